"""E-mail copies of support's answers: each person's choice, the mail, its sending."""

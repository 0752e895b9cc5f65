"""The knowledge base (FAQ): Markdown articles, their chapters, and search over them."""

// The product's words, Polish first and English second, and the formats of times.

const WORDS = {
  pl: {
    help: "Pomoc",
    close: "Zamknij",
    language_label: "EN – zmień język na angielski",
    faq: "FAQ",
    faq_long: "Baza wiedzy",
    chat: "Czat",
    new_ticket: "Nowe powiadomienie",
    history: "Historia powiadomień",
    hours_contacts: "Godziny pracy i kontakt",
    menu_intro: "W czym możemy pomóc?",
    faq_hint: "Artykuły, instrukcje i odpowiedzi na częste pytania",
    chat_hint: "Rozmowa na żywo ze specjalistą wsparcia",
    ticket_hint: "Opisz problem – odpowiemy w godzinach pracy",
    history_hint: "Zgłoszenia Twojego hotelu i wiadomości od wsparcia",
    open_now: "Wsparcie jest teraz dostępne",
    closed_now: "Wsparcie jest teraz niedostępne",
    next_open: "Otwarcie: {when}",
    support_hours: "Godziny pracy wsparcia",
    timezone: "Strefa czasowa: {tz}.",
    holidays_off: "W dni ustawowo wolne od pracy wsparcie nie pracuje.",
    always_open: "Całą dobę, każdego dnia",
    contacts: "Inne formy kontaktu",
    phone: "Telefon",
    email: "E-mail",
    loading: "Wczytywanie…",
    error_network: "Brak połączenia z serwerem. Spróbuj ponownie za chwilę.",
    error_generic: "Coś poszło nie tak: {detail}",
    error_session: "Sesja wygasła. Odśwież stronę, aby zalogować się ponownie.",
    // FAQ
    search_kb: "Szukaj w bazie wiedzy",
    search_placeholder: "np. faktura, rezerwacja, zgłoszenie",
    no_results: "Nic nie znaleźliśmy dla „{q}”. Spróbuj innych słów albo napisz do nas.",
    results_for: "Wyniki dla „{q}”",
    articles_count: "{n} art.",
    open_kb: "Pełna baza wiedzy",
    back_to_faq: "Wróć do listy",
    still_need_help: "Nie znalazłeś odpowiedzi?",
    write_to_us: "Napisz zgłoszenie",
    // Chat
    chat_title: "Czat ze wsparciem",
    chat_warning:
      "Rozmowa nie jest zapisywana. Zamknięcie tego okna kończy czat i usuwa jego treść.",
    chat_name: "Imię i nazwisko",
    chat_phone: "Telefon kontaktowy",
    chat_phone_hint: "Z numerem kierunkowym kraju, np. +48 600 123 456",
    chat_question: "Krótko opisz pytanie",
    chat_start: "Rozpocznij czat",
    chat_connecting: "Łączenie…",
    chat_queued: "Czekasz w kolejce. Twoje miejsce: {n}",
    chat_queued_hint: "Specjalista przyjmie rozmowę najszybciej, jak to możliwe.",
    chat_accepted: "{agent} dołączył(a) do rozmowy",
    chat_you: "Ty",
    chat_support: "Wsparcie",
    chat_type: "Wiadomość",
    chat_send: "Wyślij",
    chat_end: "Zakończ czat",
    chat_to_ticket: "Utwórz zgłoszenie z tego czatu",
    chat_ended: "Czat został zakończony.",
    chat_ended_agent: "Specjalista zakończył rozmowę.",
    chat_ended_restart: "Połączenie z czatem zostało przerwane.",
    chat_new: "Nowy czat",
    chat_busy: "Wszyscy specjaliści są teraz zajęci, a kolejka jest pełna. Spróbuj za chwilę lub wyślij zgłoszenie.",
    chat_offline: "Czat jest teraz niedostępny.",
    chat_offline_next: "Najbliższe otwarcie: {when}.",
    chat_offline_ticket: "Wyślij zgłoszenie – odpowiemy w godzinach pracy.",
    chat_minimize: "Zwiń czat",
    chat_expand: "Rozwiń czat",
    chat_transcript_subject: "Czat: {question}",
    chat_transcript_intro: "Zgłoszenie utworzone z rozmowy na czacie:",
    // New ticket
    subject: "Komentarz (temat)",
    subject_placeholder: "Krótko: czego dotyczy zgłoszenie?",
    suggestions: "Może to pomoże:",
    message: "Szczegółowy komunikat",
    message_placeholder: "Opisz pytanie lub problem: co robisz, co widzisz, czego oczekujesz.",
    importance: "Ważność",
    importance_low: "Niska",
    importance_normal: "Normalna",
    importance_high: "Wysoka",
    importance_critical: "Krytyczna",
    file: "Załącznik (jeden plik)",
    file_limits: "Maks. {mb} MB. Dozwolone: zrzuty ekranu, krótkie nagrania, PDF, pliki tekstowe i logi, archiwa ZIP.",
    file_too_large: "Plik ma {size} – limit to {mb} MB.",
    file_remove: "Usuń plik",
    send_message: "Wyślij wiadomość",
    sending: "Wysyłanie…",
    ticket_sent: "Zgłoszenie wysłane",
    ticket_number: "Numer zgłoszenia (Apel)",
    expected_answer: "Odpowiedź spodziewana do",
    ticket_sent_hint: "Odpowiedź pojawi się jako wyskakująca wiadomość od wsparcia i w Historii powiadomień.",
    open_ticket: "Otwórz zgłoszenie",
    another_ticket: "Nowe zgłoszenie",
    // History
    date: "Data",
    status: "Status",
    all: "Wszystkie",
    search: "Szukaj",
    reset: "Wyczyść",
    col_ordinal: "#",
    col_number: "Apel",
    col_subject: "Temat",
    col_status: "Status",
    col_updated: "Ostatnia aktualizacja",
    col_actions: "Akcje",
    preview: "Podgląd",
    no_tickets: "Brak zgłoszeń spełniających kryteria.",
    page_of: "Strona {page} z {pages}",
    prev_page: "Poprzednia",
    next_page: "Następna",
    status_new: "Nowe",
    status_in_progress: "W realizacji",
    status_awaiting_reply: "Czeka na odpowiedź",
    status_resolved: "Rozwiązane",
    status_closed: "Zamknięte",
    unread: "nowa odpowiedź",
    ticket: "Zgłoszenie {number}",
    created: "Utworzono",
    reply: "Odpowiedź",
    reply_placeholder: "Napisz odpowiedź…",
    send_reply: "Wyślij odpowiedź",
    reply_sent: "Odpowiedź wysłana.",
    ticket_closed: "Zgłoszenie jest zamknięte – aby kontynuować, utwórz nowe.",
    attachment: "Załącznik",
    popups_none: "Brak wiadomości od wsparcia.",
    popups_unavailable: "Wiadomości od wsparcia będą tu widoczne wkrótce.",
    popup_deleted: "usunięte",
    popup_read: "przeczytane",
    popup_new: "nowe",
    popup_snoozed: "przypomnienie {when}",
    tickets_tab: "Zgłoszenia",
    popups_tab: "Wiadomości od wsparcia",
    // Pop-ups
    popup_for_ticket: "Dotyczy zgłoszenia {number}",
    remind_later: "Przypomnij później",
    remind_in: "Przypomnij za…",
    minutes_15: "15 minut",
    hour_1: "1 godzinę",
    hours_4: "4 godziny",
    tomorrow: "jutro",
    delete: "Usuń",
    more_waiting: "+{n} oczekujące",
    // Pop-ups told apart from tickets, their keys, the badge; history's author and date
    popup_kind_answer: "Odpowiedź wsparcia",
    popup_kind_message: "Wiadomość od wsparcia",
    popup_heading: "{kind} · nr {number}",
    popup_arrived: "{kind}: {title}. Klawisz {key} przenosi do niej.",
    popup_keys: "{key}: przejdź do tej wiadomości · Esc: zamknij",
    popup_closed: "zamknięte, nieprzeczytane",
    unread_popups: "nieprzeczytane wiadomości od wsparcia: {n}",
    col_author: "Autor",
    date_hint: "(ostatniej aktualizacji)",
    // Host page and console
    // Ops console
    console_title: "Konsola wsparcia",
    agent: "Konsultant",
    token_label: "Token konsultanta (JWT)",
    token_hint: "Poza trybem demo wklej token z rolą agent wydany przez system logowania.",
    sign_in: "Zaloguj",
    queue: "Kolejka zgłoszeń",
    queue_hint: "Najpilniejsze (termin SLA) na górze",
    account: "Konto",
    text: "Tekst",
    text_placeholder: "Szukaj w temacie",
    sla: "SLA",
    sla_overdue: "po terminie",
    no_queue: "Brak zgłoszeń w kolejce.",
    pick_ticket: "Wybierz zgłoszenie z kolejki, aby je otworzyć.",
    author: "Autor",
    change_status: "Zmień status",
    change_subject: "Zmień temat",
    save: "Zapisz",
    saved: "Zapisano.",
    reply_to_user: "Odpowiedź dla użytkownika",
    reply_hint: "Użytkownik dostanie ją jako wyskakujące powiadomienie.",
    chats: "Czaty",
    chat_queue: "Oczekujące czaty",
    chat_queue_empty: "Nikt nie czeka na czat.",
    accept: "Przyjmij",
    waiting_for: "czeka {time}",
    active_chats: "Twoje rozmowy",
    no_active_chats: "Brak aktywnych rozmów.",
    chat_with: "{name} · {phone}",
    chat_closed_by_user: "Użytkownik zakończył czat lub zamknął okno.",
    chat_closed: "Rozmowa zakończona.",
    dismiss: "Ukryj",
    socket_down: "Brak połączenia na żywo – ponawiam…",
    announce: "Ogłoszenie",
    announce_title: "Tytuł",
    announce_body: "Treść",
    announce_to: "Odbiorcy",
    to_everyone: "Wszyscy użytkownicy",
    to_account: "Jedno konto (hotel)",
    to_user: "Jeden użytkownik",
    account_id: "Identyfikator konta",
    user_id: "Identyfikator użytkownika",
    announce_send: "Wyślij pop-up",
    announce_sent: "Ogłoszenie wysłane.",
    sign_in_as: "Zaloguj jako",
    demo_mode: "Tryb demo",
    // Chat window: ending, leaving and unread lines
    chat_end_confirm: "Zakończyć czat? Rozmowa nie jest zapisywana i zniknie.",
    chat_end_yes: "Zakończ czat",
    chat_end_no: "Wróć do rozmowy",
    chat_unread: "{n} nowe wiadomości",
    chat_leave_warning: "Czat jest otwarty. Opuszczenie strony zakończy rozmowę i usunie jej treść.",
    // New ticket and reply forms: checks before sending
    subject_blank: "Wpisz temat zgłoszenia – same spacje to nie temat.",
    message_blank: "Opisz sprawę w polu „Szczegółowy komunikat” – same spacje to nie opis.",
    reply_blank: "Wpisz treść odpowiedzi – same spacje to nie odpowiedź.",
    // Console: a reply that also sets the ticket's status
    reply_status: "Status po odpowiedzi",
    reply_status_keep: "Bez zmiany",
    queue_account_filter: "Konto (filtr kolejki)",
    announce_account: "Konto odbiorcy",
    // Server refusals by their stable code (shared/errors.py): one line per code
    code_unavailable: "Usługa jest chwilowo niedostępna. Spróbuj ponownie za chwilę.",
    code_too_many_requests: "Zbyt wiele prób w krótkim czasie. Odczekaj chwilę i spróbuj ponownie.",
    code_chat_phone_invalid: "Podaj numer telefonu z numerem kierunkowym kraju, np. +48 600 123 456.",
    code_chat_name_invalid: "Podaj imię i nazwisko (do 100 znaków).",
    code_chat_question_invalid: "Krótko opisz pytanie (do 1000 znaków).",
    code_chat_text_invalid: "Wiadomość nie może być pusta ani dłuższa niż 2000 znaków.",
    code_chat_already_open: "W tym oknie trwa już czat – najpierw go zakończ.",
    code_chat_too_many_started: "Rozpoczęto zbyt wiele czatów. Odczekaj minutę i spróbuj ponownie.",
    code_chat_too_many_messages: "Za dużo wiadomości naraz – odczekaj chwilę. Wiadomości, których nie widać w rozmowie, nie zostały wysłane.",
    code_chat_not_accepted_yet: "Poczekaj, aż specjalista przyjmie rozmowę.",
    code_chat_ended: "Ten czat już się zakończył.",
    code_chat_taken: "Inny konsultant już przyjął ten czat.",
    code_chat_not_found: "Nie ma takiego otwartego czatu.",
    code_attachment_type_not_accepted: "Ten typ pliku nie jest akceptowany. Dołącz obraz, krótkie nagranie, PDF, plik tekstowy lub log albo archiwum ZIP.",
    code_attachment_empty: "Dołączony plik jest pusty.",
    code_attachment_too_large: "Plik jest za duży.",
    code_attachment_one_file: "Można dołączyć tylko jeden plik.",
    code_attachment_missing: "Nie znaleziono załącznika – dołącz go ponownie.",
    code_attachment_taken: "Ten załącznik należy już do innego zgłoszenia.",
    code_attachment_not_found: "Nie znaleziono załącznika.",
    code_ticket_not_found: "Nie znaleziono takiego zgłoszenia.",
    code_ticket_closed: "Zgłoszenie jest zamknięte – aby kontynuować, utwórz nowe.",
    code_subject_invalid: "Wpisz temat zgłoszenia (do 200 znaków).",
    code_message_invalid: "Wpisz treść wiadomości (do 20 000 znaków).",
    code_announcement_user_unknown: "Nie znamy takiego użytkownika w tym koncie. Sprawdź identyfikatory.",
  },
  en: {
    help: "Help",
    close: "Close",
    language_label: "PL – switch language to Polish",
    faq: "FAQ",
    faq_long: "Knowledge base",
    chat: "Chat",
    new_ticket: "New ticket",
    history: "Ticket history",
    hours_contacts: "Support hours and contacts",
    menu_intro: "How can we help?",
    faq_hint: "Articles, how-tos and answers to common questions",
    chat_hint: "Talk live with a support specialist",
    ticket_hint: "Describe the problem – we answer within support hours",
    history_hint: "Your hotel's tickets and messages from support",
    open_now: "Support is available now",
    closed_now: "Support is closed now",
    next_open: "Opens: {when}",
    support_hours: "Support hours",
    timezone: "Time zone: {tz}.",
    holidays_off: "Support is closed on public holidays.",
    always_open: "Around the clock, every day",
    contacts: "Other ways to reach us",
    phone: "Phone",
    email: "E-mail",
    loading: "Loading…",
    error_network: "No connection to the server. Please try again in a moment.",
    error_generic: "Something went wrong: {detail}",
    error_session: "Your session has expired. Reload the page to sign in again.",
    search_kb: "Search the knowledge base",
    search_placeholder: "e.g. invoice, reservation, ticket",
    no_results: "Nothing found for “{q}”. Try other words or write to us.",
    results_for: "Results for “{q}”",
    articles_count: "{n} art.",
    open_kb: "Full knowledge base",
    back_to_faq: "Back to the list",
    still_need_help: "Didn't find the answer?",
    write_to_us: "Write a ticket",
    chat_title: "Chat with support",
    chat_warning: "This chat is not saved. Closing this window ends the chat and deletes it.",
    chat_name: "Full name",
    chat_phone: "Contact phone",
    chat_phone_hint: "With the country code, e.g. +48 600 123 456",
    chat_question: "Your question, in short",
    chat_start: "Start chat",
    chat_connecting: "Connecting…",
    chat_queued: "You are in the queue. Your position: {n}",
    chat_queued_hint: "A specialist will take your chat as soon as possible.",
    chat_accepted: "{agent} joined the chat",
    chat_you: "You",
    chat_support: "Support",
    chat_type: "Message",
    chat_send: "Send",
    chat_end: "End chat",
    chat_to_ticket: "Create a ticket from this chat",
    chat_ended: "The chat has ended.",
    chat_ended_agent: "The specialist ended the chat.",
    chat_ended_restart: "The chat connection was interrupted.",
    chat_new: "New chat",
    chat_busy: "All specialists are busy and the queue is full. Try again shortly or send a ticket.",
    chat_offline: "Chat is offline now.",
    chat_offline_next: "Next opening: {when}.",
    chat_offline_ticket: "Send a ticket – we answer within support hours.",
    chat_minimize: "Minimize chat",
    chat_expand: "Expand chat",
    chat_transcript_subject: "Chat: {question}",
    chat_transcript_intro: "Ticket created from a chat conversation:",
    subject: "Subject",
    subject_placeholder: "In short: what is it about?",
    suggestions: "This might help:",
    message: "Detailed message",
    message_placeholder: "Describe the question or problem: what you do, what you see, what you expect.",
    importance: "Importance",
    importance_low: "Low",
    importance_normal: "Normal",
    importance_high: "High",
    importance_critical: "Critical",
    file: "Attachment (one file)",
    file_limits: "Up to {mb} MB. Allowed: screenshots, short videos, PDF, text and log files, ZIP archives.",
    file_too_large: "The file is {size} – the limit is {mb} MB.",
    file_remove: "Remove file",
    send_message: "Send message",
    sending: "Sending…",
    ticket_sent: "Ticket sent",
    ticket_number: "Ticket number",
    expected_answer: "Expected answer by",
    ticket_sent_hint: "The answer will pop up as a message from support and appear in Ticket history.",
    open_ticket: "Open the ticket",
    another_ticket: "Another ticket",
    date: "Date",
    status: "Status",
    all: "All",
    search: "Search",
    reset: "Clear",
    col_ordinal: "#",
    col_number: "Number",
    col_subject: "Subject",
    col_status: "Status",
    col_updated: "Last update",
    col_actions: "Actions",
    preview: "Preview",
    no_tickets: "No tickets match these filters.",
    page_of: "Page {page} of {pages}",
    prev_page: "Previous",
    next_page: "Next",
    status_new: "New",
    status_in_progress: "In progress",
    status_awaiting_reply: "Awaiting reply",
    status_resolved: "Resolved",
    status_closed: "Closed",
    unread: "new reply",
    ticket: "Ticket {number}",
    created: "Created",
    reply: "Reply",
    reply_placeholder: "Write a reply…",
    send_reply: "Send reply",
    reply_sent: "Reply sent.",
    ticket_closed: "This ticket is closed – to continue, create a new one.",
    attachment: "Attachment",
    popups_none: "No messages from support.",
    popups_unavailable: "Messages from support will appear here soon.",
    popup_deleted: "deleted",
    popup_read: "read",
    popup_new: "new",
    popup_snoozed: "reminder {when}",
    tickets_tab: "Tickets",
    popups_tab: "Messages from support",
    popup_for_ticket: "About ticket {number}",
    remind_later: "Remind later",
    remind_in: "Remind me in…",
    minutes_15: "15 minutes",
    hour_1: "1 hour",
    hours_4: "4 hours",
    tomorrow: "tomorrow",
    delete: "Delete",
    more_waiting: "+{n} waiting",
    popup_kind_answer: "Support's answer",
    popup_kind_message: "Message from support",
    popup_heading: "{kind} · no. {number}",
    popup_arrived: "{kind}: {title}. Press {key} to go to it.",
    popup_keys: "{key}: go to this message · Esc: close",
    popup_closed: "closed, unread",
    unread_popups: "unread messages from support: {n}",
    col_author: "Author",
    date_hint: "(of the last update)",
    console_title: "Support console",
    agent: "Agent",
    token_label: "Agent token (JWT)",
    token_hint: "Outside demo mode paste a token with the agent role issued by your sign-in.",
    sign_in: "Sign in",
    queue: "Ticket queue",
    queue_hint: "Most urgent (SLA due) first",
    account: "Account",
    text: "Text",
    text_placeholder: "Search in subject",
    sla: "SLA",
    sla_overdue: "overdue",
    no_queue: "No tickets in the queue.",
    pick_ticket: "Choose a ticket from the queue to open it.",
    author: "Author",
    change_status: "Change status",
    change_subject: "Change subject",
    save: "Save",
    saved: "Saved.",
    reply_to_user: "Reply to the user",
    reply_hint: "The user gets it as a pop-up notification.",
    chats: "Chats",
    chat_queue: "Waiting chats",
    chat_queue_empty: "Nobody is waiting for a chat.",
    accept: "Accept",
    waiting_for: "waiting {time}",
    active_chats: "Your conversations",
    no_active_chats: "No active conversations.",
    chat_with: "{name} · {phone}",
    chat_closed_by_user: "The user ended the chat or closed the window.",
    chat_closed: "The conversation has ended.",
    dismiss: "Dismiss",
    socket_down: "Live connection lost – reconnecting…",
    announce: "Announcement",
    announce_title: "Title",
    announce_body: "Text",
    announce_to: "Recipients",
    to_everyone: "All users",
    to_account: "One account (hotel)",
    to_user: "One user",
    account_id: "Account id",
    user_id: "User id",
    announce_send: "Send pop-up",
    announce_sent: "Announcement sent.",
    sign_in_as: "Sign in as",
    demo_mode: "Demo mode",
    // Chat window: ending, leaving and unread lines
    chat_end_confirm: "End the chat? The conversation is not saved and will be gone.",
    chat_end_yes: "End chat",
    chat_end_no: "Back to the chat",
    chat_unread: "{n} new messages",
    chat_leave_warning: "A chat is open. Leaving the page ends it and deletes the conversation.",
    // New ticket and reply forms: checks before sending
    subject_blank: "Enter the ticket's subject – spaces alone are no subject.",
    message_blank: "Describe the matter in “Detailed message” – spaces alone are no description.",
    reply_blank: "Write the reply – spaces alone are no reply.",
    // Console: a reply that also sets the ticket's status
    reply_status: "Status after the reply",
    reply_status_keep: "No change",
    queue_account_filter: "Account (queue filter)",
    announce_account: "Recipient's account",
    // Server refusals by their stable code (shared/errors.py): one line per code
    code_unavailable: "The service is unavailable for a moment. Please try again shortly.",
    code_too_many_requests: "Too many attempts in a short time. Wait a moment and try again.",
    code_chat_phone_invalid: "Enter the phone number with its country code, e.g. +48 600 123 456.",
    code_chat_name_invalid: "Enter your full name (up to 100 characters).",
    code_chat_question_invalid: "Describe your question in short (up to 1,000 characters).",
    code_chat_text_invalid: "A message cannot be empty or longer than 2,000 characters.",
    code_chat_already_open: "This window already has a chat open – end it first.",
    code_chat_too_many_started: "Too many chats started. Wait a minute and try again.",
    code_chat_too_many_messages: "Too many messages at once – wait a moment. Messages not shown in the conversation were not sent.",
    code_chat_not_accepted_yet: "Wait until a specialist accepts the chat.",
    code_chat_ended: "This chat has ended.",
    code_chat_taken: "Another agent has already accepted this chat.",
    code_chat_not_found: "There is no such open chat.",
    code_attachment_type_not_accepted: "This file type is not accepted. Attach an image, a short video, a PDF, a text or log file, or a ZIP archive.",
    code_attachment_empty: "The attached file is empty.",
    code_attachment_too_large: "The file is too large.",
    code_attachment_one_file: "Only one file can be attached.",
    code_attachment_missing: "The attachment was not found – attach it again.",
    code_attachment_taken: "This attachment already belongs to another ticket.",
    code_attachment_not_found: "Attachment not found.",
    code_ticket_not_found: "No such ticket was found.",
    code_ticket_closed: "This ticket is closed – to continue, create a new one.",
    code_subject_invalid: "Enter the ticket's subject (up to 200 characters).",
    code_message_invalid: "Enter the message (up to 20,000 characters).",
    code_announcement_user_unknown: "No such user is known in this account. Check the ids.",
  },
};

const DAYS = {
  pl: { mon: "Pon", tue: "Wt", wed: "Śr", thu: "Czw", fri: "Pt", sat: "Sob", sun: "Nd" },
  en: { mon: "Mon", tue: "Tue", wed: "Wed", thu: "Thu", fri: "Fri", sat: "Sat", sun: "Sun" },
};

const STORAGE_KEY = "helpdesk.lang";
const listeners = new Set();
let current = readStoredLanguage();
// Times are shown in support's time zone: the history's date filter and the support hours
// are in that zone too, so a day means the same day everywhere on the screen.
let timeZone = undefined;

function readStoredLanguage() {
  try {
    return localStorage.getItem(STORAGE_KEY) === "en" ? "en" : "pl";
  } catch {
    return "pl";
  }
}

export function lang() {
  return current;
}

export function setLang(next) {
  current = next === "en" ? "en" : "pl";
  try {
    localStorage.setItem(STORAGE_KEY, current);
  } catch {
    // Storage can be off (private mode, a host's policy); the choice then lasts the page.
  }
  for (const listener of listeners) listener(current);
}

export function onLangChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** t("next_open", {when: "..."}): the word in the current language, placeholders filled. */
export function t(key, values = {}) {
  const template = WORDS[current][key] ?? WORDS.pl[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name) => String(values[name] ?? ""));
}

/**
 * A server refusal in the user's language: the text for its stable `code` (the `code_…`
 * words above), or the server's own (English) `detail` for a code this client does not know.
 */
export function errorText(code, detail) {
  return (code && WORDS[current][`code_${code}`]) || detail;
}

export function dayName(day) {
  return DAYS[current][day] || day;
}

export function setTimeZone(zone) {
  timeZone = zone;
}

function locale() {
  return current === "pl" ? "pl-PL" : "en-GB";
}

export function formatDateTime(iso) {
  if (!iso) return "";
  return new Intl.DateTimeFormat(locale(), {
    timeZone,
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}

export function formatTime(iso) {
  return new Intl.DateTimeFormat(locale(), { timeZone, hour: "2-digit", minute: "2-digit" }).format(
    new Date(iso),
  );
}

/** "in 2 h", "in 3 days": how long until a time, for SLA and reminders. */
export function formatRelative(iso) {
  const minutes = Math.round((new Date(iso) - Date.now()) / 60000);
  const format = new Intl.RelativeTimeFormat(locale(), { numeric: "auto" });
  if (Math.abs(minutes) < 60) return format.format(minutes, "minute");
  if (Math.abs(minutes) < 48 * 60) return format.format(Math.round(minutes / 60), "hour");
  return format.format(Math.round(minutes / 1440), "day");
}

/** A file size with the language's decimal sign: "25,7 MB" in Polish, "25.7 MB" in English. */
export function formatSize(bytes) {
  const number = (value, digits) =>
    new Intl.NumberFormat(locale(), { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
  if (bytes < 1024) return `${number(bytes, 0)} B`;
  if (bytes < 1024 * 1024) return `${number(bytes / 1024, 0)} KB`;
  return `${number(bytes / 1024 / 1024, 1)} MB`;
}

export const STATUSES = ["new", "in_progress", "awaiting_reply", "resolved", "closed"];
export const IMPORTANCES = ["low", "normal", "high", "critical"];

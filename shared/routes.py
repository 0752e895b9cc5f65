"""Every command and query on the bus, one typed route each, grouped by the service answering.

The service's handler subscribes through the route (`shared.rpc.answers`) and the caller
sends through it (`RpcClient.call`), so both sides share the queue name and the request
and reply models, and a wrong route or model is a type error.
"""

from typing import Any

from shared.canned_replies import (
    CannedReplies,
    CannedRepliesQuery,
    CannedReply,
    CannedReplyRef,
    FillCannedReply,
    FilledReply,
    SaveCannedReply,
)
from shared.chat import (
    AcceptChat,
    AgentAvailability,
    AvailabilityQuery,
    ChatFileContent,
    ChatFileRef,
    ChatStats,
    EndChat,
    FetchFile,
    Heartbeat,
    HeartbeatReply,
    ListQueue,
    PostMessage,
    QueueSnapshot,
    SetAvailability,
    ShareFile,
    ShowTyping,
    SocketClosed,
    StartChat,
    StartReply,
    StatsQuery,
    chat_owner,
)
from shared.email_copies import EmailCopies, EmailCopiesQuery, SetEmailCopies
from shared.events import AttachmentRef, Popup
from shared.knowledge import (
    ArticleOpened,
    CastVote,
    KbReport,
    ReportQuery,
    SearchMissed,
    Vote,
    VoteQuery,
)
from shared.notes import AddNote, InternalNote, NotesQuery, TicketNotes
from shared.popups import (
    Announce,
    Announcement,
    ListPopups,
    PopupAction,
    PopupPage,
    Snoozed,
    SnoozePopup,
)
from shared.ratings import (
    ChatRating,
    RateChat,
    RateTicket,
    RatingsReport,
    RatingsReportQuery,
    TicketRating,
    TicketRatingQuery,
    TicketRatingState,
)
from shared.reports import TicketsReport, TicketsReportQuery
from shared.rpc import ReplyT, RequestT, RpcRoute, status_route
from shared.tickets import (
    AgentQueueQuery,
    AgentTicketDetail,
    AttachmentQuery,
    CreateTicket,
    GetTicket,
    HistoryPage,
    HistoryQuery,
    Message,
    PostReply,
    QueuePage,
    SubjectsQuery,
    TicketDetail,
    UpdateTicket,
)
from shared.topology import ServiceName
from shared.triage import AgentDirectory, AgentsQuery, TagsQuery


class ServiceRoutes:
    """The routes one service answers, collected as they are declared; `status` included."""

    def __init__(self, service: ServiceName) -> None:
        self.service = service
        self.status = status_route(service)
        self.all: list[RpcRoute[Any, Any]] = [self.status]

    def route(
        self, command: str, request: type[RequestT], reply: type[ReplyT]
    ) -> RpcRoute[RequestT, ReplyT]:
        route = RpcRoute(self.service, command, request, reply)
        self.all.append(route)
        return route


TICKETS = ServiceRoutes("tickets")
CREATE_TICKET = TICKETS.route("create", CreateTicket, TicketDetail)
POST_REPLY = TICKETS.route("reply", PostReply, Message)
GET_TICKET = TICKETS.route("get", GetTicket, TicketDetail)
TICKET_HISTORY = TICKETS.route("history", HistoryQuery, HistoryPage)
HISTORY_SUBJECTS = TICKETS.route("subjects", SubjectsQuery, list[str])
AGENT_QUEUE = TICKETS.route("queue", AgentQueueQuery, QueuePage)
UPDATE_TICKET = TICKETS.route("update", UpdateTicket, AgentTicketDetail)
AGENT_TICKET = TICKETS.route("agent_get", GetTicket, AgentTicketDetail)
# The agents seen (to assign tickets to) and the tags in use (suggestions).
AGENT_DIRECTORY = TICKETS.route("agents", AgentsQuery, AgentDirectory)
TICKET_TAGS = TICKETS.route("tags", TagsQuery, list[str])
ATTACHMENT_ACCESS = TICKETS.route("attachment", AttachmentQuery, AttachmentRef)
RATE_TICKET = TICKETS.route("rate", RateTicket, TicketRating)
TICKET_RATING = TICKETS.route("rating", TicketRatingQuery, TicketRatingState)
RATE_CHAT = TICKETS.route("rate_chat", RateChat, ChatRating)
RATINGS_REPORT = TICKETS.route("ratings_report", RatingsReportQuery, RatingsReport)
TICKETS_REPORT = TICKETS.route("tickets_report", TicketsReportQuery, TicketsReport)
ADD_NOTE = TICKETS.route("add_note", AddNote, InternalNote)
TICKET_NOTES = TICKETS.route("notes", NotesQuery, TicketNotes)
CANNED_REPLIES = TICKETS.route("canned_replies", CannedRepliesQuery, CannedReplies)
SAVE_CANNED_REPLY = TICKETS.route("save_canned_reply", SaveCannedReply, CannedReply)
DELETE_CANNED_REPLY = TICKETS.route("delete_canned_reply", CannedReplyRef, type(None))
FILL_CANNED_REPLY = TICKETS.route("fill_canned_reply", FillCannedReply, FilledReply)
# The knowledge base's use lives with the tickets: "opened an article, then wrote a ticket
# anyway" is linked where tickets are created (services/tickets/knowledge/).
KB_VOTE = TICKETS.route("kb_vote", CastVote, Vote)
KB_VOTE_OF = TICKETS.route("kb_vote_of", VoteQuery, Vote)
KB_ARTICLE_OPENED = TICKETS.route("kb_opened", ArticleOpened, type(None))
# The reply: whether the search was kept (only users' searches are).
KB_SEARCH_MISSED = TICKETS.route("kb_missed", SearchMissed, bool)
KB_REPORT = TICKETS.route("kb_report", ReportQuery, KbReport)

NOTIFICATIONS = ServiceRoutes("notifications")
LIST_POPUPS = NOTIFICATIONS.route("list", ListPopups, PopupPage)
SNOOZE_POPUP = NOTIFICATIONS.route("snooze", SnoozePopup, Snoozed)
READ_POPUP = NOTIFICATIONS.route("read", PopupAction, Popup)
POPUP_SEEN = NOTIFICATIONS.route("seen", PopupAction, Popup)
DELETE_POPUP = NOTIFICATIONS.route("delete", PopupAction, Popup)
ANNOUNCE = NOTIFICATIONS.route("announce", Announce, Announcement)
EMAIL_COPIES = NOTIFICATIONS.route("email_copies", EmailCopiesQuery, EmailCopies)
SET_EMAIL_COPIES = NOTIFICATIONS.route("set_email_copies", SetEmailCopies, EmailCopies)

CHAT = ServiceRoutes("chat")
START_CHAT = CHAT.route("start", StartChat, StartReply)
ACCEPT_CHAT = CHAT.route("accept", AcceptChat, type(None))
POST_CHAT_MESSAGE = CHAT.route("message", PostMessage, type(None))
END_CHAT = CHAT.route("end", EndChat, type(None))
CHAT_TYPING = CHAT.route("typing", ShowTyping, type(None))
# A file rides the request (and its fetch the reply) as base64: transient queue,
# non-persistent message, direct reply-to; never a durable queue (shared/topology.py).
SHARE_CHAT_FILE = CHAT.route("share_file", ShareFile, ChatFileRef)
FETCH_CHAT_FILE = CHAT.route("fetch_file", FetchFile, ChatFileContent)
CHAT_SOCKET_CLOSED = CHAT.route("socket_closed", SocketClosed, type(None))
CHAT_HEARTBEAT = CHAT.route("heartbeat", Heartbeat, HeartbeatReply)
CHAT_QUEUE = CHAT.route("queue", ListQueue, QueueSnapshot)
CHAT_STATS = CHAT.route("stats", StatsQuery, ChatStats)
AGENT_AVAILABILITY = CHAT.route("availability", AvailabilityQuery, AgentAvailability)
SET_AGENT_AVAILABILITY = CHAT.route("set_availability", SetAvailability, AgentAvailability)

SERVICE_ROUTES: dict[ServiceName, ServiceRoutes] = {
    routes.service: routes for routes in (TICKETS, NOTIFICATIONS, CHAT)
}


def to_holder(route: RpcRoute[RequestT, ReplyT], chat_id: str | None) -> RpcRoute[RequestT, ReplyT]:
    """`route` at the chat instance holding the chat (shared/chat.py, chat_owner); the queue
    every instance shares when no id names one."""
    owner = chat_owner(chat_id) if chat_id else None
    return route if owner is None else route.at(owner)

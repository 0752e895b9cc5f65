"""What the history search finds a ticket by: the terms of its number, subject and messages,
and the terms a query asks for.

A ticket keeps its terms in one array field, indexed with the account and the history's
order (a multikey index): a search is then an index lookup of one term inside one
account's tickets, newest first, where a `$regex` over subjects and threads would read
every ticket of the account, and `$text` indexes one language's stemming per index, has
no Polish, cannot be combined with the history's order and is not served by every
MongoDB-wire server.
"""

from shared.analysis import tokens, word_terms

# Bump when the terms of a ticket change meaning (another analysis): every ticket is then
# given its terms again by the backfill at the service's start.
SEARCH_VERSION = 1
# A long thread of unusual words must not grow its ticket's document and index entries
# without bound: the first terms (number, subject, then messages in order) are kept.
TERMS_MAX = 5_000


def ticket_terms(number: str, subject: str, bodies: list[str]) -> list[str]:
    """The distinct terms of a ticket's number, subject and message bodies, at most TERMS_MAX."""
    found: dict[str, None] = {}
    for text in [number, subject, *bodies]:
        for word in tokens(text):
            for term in sorted(word_terms(word)):
                found[term] = None
                if len(found) >= TERMS_MAX:
                    return list(found)
    return list(found)


def query_terms(query: str) -> list[list[str]]:
    """For each distinct word of the query, the terms any one of which a ticket must have."""
    wanted: dict[frozenset[str], None] = {}
    for word in tokens(query):
        if terms := word_terms(word):
            wanted[terms] = None
    return [sorted(terms) for terms in wanted]

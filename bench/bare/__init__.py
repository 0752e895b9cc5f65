"""The bare stack: the least a ticket create can cost on the same servers, for a ratio.

Issue #10 scenario 2: the same multipart form as `POST /api/v1/tickets` → raw aio-pika
request/reply with correlation ids → a minimal handler process → one motor insert. No
auth, validation, attachment store, outbox, metrics or logging: whatever our stack costs
beyond this is the price of its features.
"""

# The one request queue between the bare gateway and the bare handler.
REQUEST_QUEUE = "bench.bare.create"

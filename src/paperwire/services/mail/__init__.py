"""Mail: addresses and their schedules, the signed links mails carry, the digest composed
into the outbox from templates/, and delivery of the outbox over SMTP (mailer.py).
May import: the shared modules, library, discovery (trending) and personal (for you)."""

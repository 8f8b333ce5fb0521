"""The business events of ``items`` that apps above it act on (see ``lib/hooks.py``).

Fired inside the service's transaction, after its own writes:

- ``ADOPTION_RECORDED(actor, entry, adoptions)``: ``adoption_record`` wrote the records;
- ``ADOPTION_WITHDRAWN(actor, adoptions, reason)``: ``adoption_withdraw`` withdrew them;
- ``ENTRY_FORWARDED(actor, entry, upper)``: ``entry_forward`` sent ``entry`` up as ``upper``.

``scoring`` posts points on each.
"""

from xinxi.lib.hooks import Hook

ADOPTION_RECORDED = Hook("adoption_recorded")
ADOPTION_WITHDRAWN = Hook("adoption_withdrawn")
ENTRY_FORWARDED = Hook("entry_forwarded")

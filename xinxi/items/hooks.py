"""The business events of ``items`` that apps above it act on (see ``lib/hooks.py``).

Fired inside the service's transaction, after its own writes:

- ``ADOPTION_RECORDED(actor, entry, adoptions)``: ``adoption_record`` wrote the records;
- ``ADOPTION_WITHDRAWN(actor, adoptions, reason)``: ``adoption_withdraw`` withdrew them;
- ``ENTRY_FORWARDED(actor, entry, upper)``: ``entry_forward`` sent ``entry`` up as ``upper``;
- ``ITEM_SUBMITTED(actor, item, submission, fresh)``: ``item_submit`` sent a round (a first
  submission, a resubmission, or one signed off and sent); ``fresh`` when the item was
  created in the same transaction (create and submit), so no other row refers to it yet.

``scoring`` posts points on the first three; ``urgent`` stops an incident's clocks when a
report's item goes out or is forwarded.
"""

from xinxi.lib.hooks import Hook

ADOPTION_RECORDED = Hook("adoption_recorded")
ADOPTION_WITHDRAWN = Hook("adoption_withdrawn")
ENTRY_FORWARDED = Hook("entry_forwarded")
ITEM_SUBMITTED = Hook("item_submitted")

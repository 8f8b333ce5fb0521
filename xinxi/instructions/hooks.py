"""The business events of ``instructions`` that apps above it act on (see ``lib/hooks.py``).

- ``INSTRUCTION_RECORDED(actor, instruction)``: fired by ``instruction_record`` inside its
  transaction; ``scoring`` posts the instruction bonus.
"""

from xinxi.lib.hooks import Hook

INSTRUCTION_RECORDED = Hook("instruction_recorded")

"""The stream bus between the live pipeline's stages (DESIGN.md: in-process here, NATS later).

Bus, Consumer, Message    the interface every bus implements (base.py)
MemoryBus                 the embedded, in-process bus with bounded streams (memory.py)
SUBJECTS                  the subjects the live pipeline uses
"""

from hubbub.bus.base import SUBJECTS, Bus, BusClosed, Consumer, Message
from hubbub.bus.memory import MemoryBus

__all__ = ["SUBJECTS", "Bus", "BusClosed", "Consumer", "MemoryBus", "Message"]

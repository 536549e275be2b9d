"""Public digest pages and search (``public``), and the organizers' editor, follow-ups and
import pages (``manage``)."""

"""A topic of the map (`/topics/{id}`): its label words, its papers ranked as the feeds rank
(most upvoted, then the latest listed), and its papers per month; an area lists its topics
too. The map itself is services/fieldmap's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from paperwire.services.discovery.feed import FeedItem, items_for
from paperwire.services.library import Library
from paperwire.store.feeds import Narrow
from paperwire.store.fieldmap import AREA, Topic
from paperwire.store.site import User

_EVER = (date(1, 1, 1), date(9999, 12, 31))


@dataclass
class TopicPage:
    topic: Topic
    area: Topic | None  # the area a topic sits in
    subtopics: list[Topic]  # an area's topics, largest first
    months: list[tuple[str, int]]  # ("2026-05", papers), oldest first
    items: list[FeedItem]
    total: int

    @property
    def is_area(self) -> bool:
        return self.topic.level == AREA

    @property
    def busiest(self) -> int:
        return max((n for _, n in self.months), default=0)


def topic_page(library: Library, topic_id: int, viewer: User | None, limit: int,
               offset: int = 0) -> TopicPage | None:
    """A page of the topic's (or area's) papers; None when the map has no such topic."""
    store = library.fieldmap
    topic = store.topic(topic_id)
    if topic is None:
        return None
    papers, total = library.site.feed_page(*_EVER, limit, offset, narrow=Narrow(topic=topic_id))
    subtopics = [t for t in store.topics(level=1) if t.parent_id == topic_id]
    months: dict[str, int] = {}
    for t in subtopics or [topic]:
        for month, n in store.topic_months(t.topic_id):
            months[month] = months.get(month, 0) + n
    area = store.topic(topic.parent_id) if topic.parent_id is not None else None
    return TopicPage(topic, area, subtopics, sorted(months.items()),
                     items_for(library, library.site, papers, viewer), total)

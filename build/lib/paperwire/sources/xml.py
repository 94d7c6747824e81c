"""Safe XML parsing shared by the XML sources: no entities, no network."""

from __future__ import annotations

from lxml import etree

from paperwire.sources.base import SourceError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_xml(data: bytes) -> etree._Element:
    try:
        return etree.fromstring(data, parser=_PARSER)
    except etree.XMLSyntaxError as e:
        raise SourceError(f"broken XML: {e}") from e


def text_of(el: etree._Element | None) -> str:
    return "".join(el.itertext()) if el is not None else ""


def local_name(el: etree._Element) -> str:
    return etree.QName(el).localname

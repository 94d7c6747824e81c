"""The files a site is expected to have at fixed places: robots.txt, favicon.ico and the
sitemap of paper pages (an index of sitemaps of 50,000 papers each, by internal id)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import PlainTextResponse, RedirectResponse, Response

from paperwire.web.deps import library, site_base

router = APIRouter(include_in_schema=False)
PER_SITEMAP = 50_000  # the sitemaps.org limit
XML = "application/xml"
NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _base(request: Request) -> str:
    return site_base(request)  # the site_url setting, never the Host header


@router.get("/robots.txt")
def robots(request: Request) -> PlainTextResponse:
    return PlainTextResponse(
        "User-agent: *\nDisallow: /api/\nDisallow: /signin\nDisallow: /signup\n"
        "Disallow: /settings\nDisallow: /admin/\nDisallow: /search\n"
        f"Sitemap: {_base(request)}/sitemap.xml\n")


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    return RedirectResponse("/static/favicon.svg", 301)


@router.get("/sitemap.xml")
def sitemap_index(request: Request) -> Response:
    parts = library(request).site.max_pid() // PER_SITEMAP + 1
    body = "".join(f"<sitemap><loc>{escape(_base(request))}/sitemaps/papers-{n}.xml</loc>"
                   "</sitemap>" for n in range(parts))
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="{NS}">'
                    f"{body}</sitemapindex>", media_type=XML)


@router.get("/sitemaps/papers-{part}.xml")
def sitemap_part(request: Request, part: int) -> Response:
    if not 0 <= part <= library(request).site.max_pid() // PER_SITEMAP:
        raise HTTPException(404, "no such sitemap")
    keys = library(request).site.paper_keys(part * PER_SITEMAP + 1, (part + 1) * PER_SITEMAP)
    base = escape(_base(request))
    body = "".join(f"<url><loc>{base}/papers/{escape(key)}</loc><lastmod>{day}</lastmod></url>"
                   for key, day in keys)
    return Response(f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{NS}">{body}'
                    "</urlset>", media_type=XML)

"""The wiki's rendering of a page, made safe to show inside clinicdesk's own pages: only
harmless tags and attributes, links made absolute to the wiki. Pure."""

from __future__ import annotations

import re

import nh3

from clinicdesk.publishing.wiki import split_api_url

_TAGS = {
    "a",
    "abbr",
    "b",
    "bdi",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "u",
    "ul",
}
_ATTRIBUTES = {
    "*": {"class", "id", "lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}
_ROOT_LINK = re.compile(r'(href)="/(?!/)')


def clean_wiki_html(html: str, api_url: str) -> str:
    scheme, host, _path = split_api_url(api_url)
    html = _ROOT_LINK.sub(rf'\1="{scheme}://{host}/', html)
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )

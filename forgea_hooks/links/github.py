"""github.com page URLs -> the REST API paths that prove them.

github.com rate-limits and bot-walls anonymous page fetches, while the API answers a token
reliably, and answers 404 for a private repository the token cannot see exactly as for a missing
one. Only the forms below are mapped; any other github.com URL is checked over plain HTTP.
"""

from __future__ import annotations

from urllib.parse import quote, urlsplit

HOSTS = frozenset({"github.com", "www.github.com"})

# First path segments that are GitHub's own pages, never an owner (github.com/features/actions).
_RESERVED = frozenset(
    {
        "about", "account", "apps", "blog", "codespaces", "collections", "contact", "copilot",
        "customer-stories", "dashboard", "enterprise", "events", "explore", "features", "home",
        "issues", "join", "login", "logout", "marketplace", "mobile", "new", "notifications", "orgs",
        "organizations", "pricing", "pulls", "readme", "search", "security", "settings", "site",
        "sitemap", "solutions", "sponsors", "stars", "team", "topics", "trending", "users",
    }
)  # fmt: skip

# A branch name may hold slashes, so "blob/a/b/c" is ref "a" path "b/c" or ref "a/b" path "c".
# Each reading costs one API call; real refs rarely have more than a couple of segments.
MAX_REF_SEGMENTS = 3


def api_paths(url: str) -> list[str]:
    """API paths (to append to the API base) that verify ``url``, tried in order until one is not
    a 404; empty when ``url`` is not a repository, blob/tree, issue or pull request page."""
    parts = urlsplit(url)
    if parts.hostname not in HOSTS:
        return []
    segments = [segment for segment in parts.path.split("/") if segment]
    if len(segments) < 2 or segments[0].lower() in _RESERVED:
        return []
    owner, repo, rest = segments[0], segments[1].removesuffix(".git"), segments[2:]
    base = f"/repos/{owner}/{repo}"
    if not rest:
        return [base]
    kind, tail = rest[0], rest[1:]
    if kind in ("issues", "pull") and tail and tail[0].isdigit():
        return [f"{base}/{'issues' if kind == 'issues' else 'pulls'}/{tail[0]}"]
    if kind in ("blob", "tree") and tail:
        readings = []
        for cut in range(1, min(len(tail), MAX_REF_SEGMENTS) + 1):
            # Segments arrive percent-encoded already (keep "%"); a "&" or "+" in a ref name must
            # not end or alter the query value.
            ref = quote("/".join(tail[:cut]), safe="%/")
            path = "/".join(tail[cut:])
            readings.append(f"{base}/contents/{path}?ref={ref}")
        return readings
    return []

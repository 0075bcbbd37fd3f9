#!/usr/bin/env python3
"""Writes the sample nginx access logs that configs/default.toml reads (configs/sample/).

Three virtual hosts of one site, each with its own log, as nginx writes them with
`access_log /var/log/nginx/<host>.access.log combined;`: the shop's pages, its JSON API and
its static files, over the same 20 minutes. The combined format, clients from the
documentation address ranges (RFC 5737, RFC 3849) and private networks, browsers, bots,
scripts and mobile apps, redirects, cache revalidations, range requests, client errors and
a few server errors. A fixed seed: the same bytes every time. The files are committed; run
this again only to change them:

  python3 tests/support/make_sample_logs.py configs/sample
"""
import datetime
import os
import random
import sys

HOSTS = {"shop": 130, "api": 100, "static": 70}  # lines per file

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
]
BOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
]
API_CLIENTS = ["python-requests/2.32.3", "okhttp/4.12.0", "Go-http-client/1.1", "curl/8.11.0", "ShopApp/3.4.1 (iOS 18.1)"]
PRODUCTS = ["walnut-desk", "oak-chair", "linen-lamp", "wool-rug", "steel-shelf", "cedar-stool", "glass-vase"]
CATEGORIES = ["furniture", "lighting", "textiles", "storage", "decor"]
ASSETS = ["js/app.3f9a1c.js", "js/vendor.81be02.js", "css/site.c47d10.css", "fonts/inter-var.woff2", "img/logo.svg"]


def client(rng):
    """A client address: mostly IPv4 from the documentation ranges, some IPv6."""
    r = rng.random()
    if r < 0.35:
        return f"203.0.113.{rng.randrange(1, 255)}"
    if r < 0.65:
        return f"198.51.100.{rng.randrange(1, 255)}"
    if r < 0.85:
        return f"192.0.2.{rng.randrange(1, 255)}"
    return f"2001:db8:{rng.randrange(0x10, 0xfff):x}::{rng.randrange(1, 0xffff):x}"


def shop(rng):
    """(method, target, status, bytes, referer, user agent) of a request to the storefront."""
    ua = rng.choice(BOTS) if rng.random() < 0.15 else rng.choice(BROWSERS)
    ref = rng.choice(["-", "https://www.example.com/", "https://duckduckgo.com/", "https://www.example.com/cart"])
    r = rng.random()
    if r < 0.20:
        return "GET", "/", 200, rng.randrange(14000, 16000), ref, ua
    if r < 0.45:
        return "GET", f"/products/{rng.choice(PRODUCTS)}", 200, rng.randrange(9000, 13000), ref, ua
    if r < 0.60:
        return "GET", f"/category/{rng.choice(CATEGORIES)}?page={rng.randrange(1, 5)}", 200, rng.randrange(11000, 18000), ref, ua
    if r < 0.68:
        q = rng.choice(["oak", "desk+lamp", "rug", "chair"])
        return "GET", f"/search?q={q}", 200, rng.randrange(6000, 9000), ref, ua
    if r < 0.76:
        return "POST", "/cart/items", 303, 0, "https://www.example.com/products/" + rng.choice(PRODUCTS), ua
    if r < 0.82:
        return "GET", "/checkout", rng.choice([200, 200, 302]), rng.randrange(5000, 7000), "https://www.example.com/cart", ua
    if r < 0.87:
        return "GET", "/index.php", 301, 169, "-", ua
    if r < 0.91:
        return "GET", "/", 304, 0, "-", ua
    if r < 0.96:
        path = rng.choice(["/wp-login.php", "/.env", "/products/teak-bench", "/admin/config.php"])
        return "GET", path, 404, 153, "-", rng.choice(["-", "Mozilla/5.0", BOTS[0]])
    return "GET", f"/products/{rng.choice(PRODUCTS)}", rng.choice([500, 502]), 157, ref, ua


def api(rng):
    """A request to the JSON API, from the site's scripts and the mobile app."""
    ua = rng.choice(API_CLIENTS)
    r = rng.random()
    if r < 0.30:
        return "GET", f"/v1/products?category={rng.choice(CATEGORIES)}&limit=20", 200, rng.randrange(2000, 6000), "-", ua
    if r < 0.50:
        return "GET", f"/v1/orders/{rng.randrange(100000, 999999)}", rng.choice([200, 200, 200, 404]), rng.randrange(300, 1200), "-", ua
    if r < 0.65:
        return "POST", "/v1/orders", rng.choice([201, 201, 201, 400, 422]), rng.randrange(80, 600), "-", ua
    if r < 0.75:
        return "PUT", f"/v1/carts/{rng.randrange(1000, 9999)}", 200, rng.randrange(150, 400), "-", ua
    if r < 0.82:
        return "DELETE", f"/v1/carts/{rng.randrange(1000, 9999)}/items/{rng.randrange(1, 9)}", 204, 0, "-", ua
    if r < 0.88:
        return "GET", "/v1/me", 401, 61, "-", ua
    if r < 0.93:
        return "GET", "/v1/products?limit=500", 429, 87, "-", "python-requests/2.32.3"
    if r < 0.97:
        return "GET", "/healthz", 200, 2, "-", "kube-probe/1.31"
    return "POST", "/v1/payments", rng.choice([502, 503, 504]), 160, "-", ua


def static(rng):
    """A request for a static file, mostly from the shop's pages."""
    ua = rng.choice(BROWSERS)
    ref = "https://www.example.com/" + rng.choice(["", "products/" + rng.choice(PRODUCTS), "cart"])
    r = rng.random()
    if r < 0.45:
        return "GET", "/" + rng.choice(ASSETS), 200, rng.randrange(3000, 180000), ref, ua
    if r < 0.70:
        return "GET", "/" + rng.choice(ASSETS), 304, 0, ref, ua
    if r < 0.85:
        return "GET", f"/img/products/{rng.choice(PRODUCTS)}-{rng.choice([480, 960, 1440])}.webp", 200, rng.randrange(20000, 240000), ref, ua
    if r < 0.92:
        return "GET", "/video/showroom.mp4", 206, rng.randrange(500000, 1048577), ref, ua
    return "GET", rng.choice(["/favicon.ico", "/img/products/teak-bench-960.webp"]), 404, 153, ref, ua


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "configs", "sample")
    rng = random.Random(20261125)
    start = datetime.datetime(2026, 11, 25, 6, 35, 0, tzinfo=datetime.timezone.utc)
    for host, count in HOSTS.items():
        make = {"shop": shop, "api": api, "static": static}[host]
        t = start
        lines = []
        for _ in range(count):
            t += datetime.timedelta(seconds=rng.randrange(0, 1200 // count * 2))
            method, target, status, size, ref, ua = make(rng)
            stamp = t.strftime("%d/%b/%Y:%H:%M:%S +0000")
            lines.append(f'{client(rng)} - - [{stamp}] "{method} {target} HTTP/1.1" {status} {size} "{ref}" "{ua}"\n')
        with open(os.path.join(out, f"{host}.access.log"), "w") as f:
            f.writelines(lines)


if __name__ == "__main__":
    main()

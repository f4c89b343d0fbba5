"""Checks of a drawn page that the browser tests and tests/screenshot_wall.py share."""

from __future__ import annotations

# Runs in the page: each part of the active page (heading, table, legend) whose content runs below its own box
# onto the part under it (or, the last part, past the page's edge). Nothing is outside the screen, yet words sit
# on words (German theme rows over the footnote, once).
SPILLS = """
(activePage) => {
  const page = document.querySelector(activePage);
  if (!page) return [];
  const problems = [];
  const parts = Array.from(page.children).filter(part => part.getBoundingClientRect().height > 0);
  parts.forEach((part, i) => {
    const limit = i + 1 < parts.length ? parts[i + 1].getBoundingClientRect().top : page.getBoundingClientRect().bottom;
    const inked = Array.from(part.querySelectorAll('*')).filter(el => !(el instanceof SVGElement)
        && getComputedStyle(el).visibility === 'visible' && el.getBoundingClientRect().height > 0);
    const bottom = Math.max(part.getBoundingClientRect().top, ...inked.map(el => el.getBoundingClientRect().bottom));
    if (bottom > limit + 1) {
      const cls = typeof part.className === 'string' ? part.className.trim().split(/\\s+/).join('.') : '';
      problems.push(`${part.tagName.toLowerCase()}.${cls} spills over what follows: ${Math.round(bottom)} > ${Math.round(limit)}`);
    }
  });
  return problems;
}
"""

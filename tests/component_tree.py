"""Reading a Dash component tree the way a viewer reads the screen: its words, and its parts by class."""

from __future__ import annotations


def texts(node) -> list[str]:
    """Every string shown in a component tree, in order."""
    if node is None:
        return []
    if isinstance(node, (str, int, float)):
        return [str(node)]
    if isinstance(node, (list, tuple)):
        return [text for child in node for text in texts(child)]
    return texts(getattr(node, "children", None))


def text_of(node) -> str:
    """All the words of a tree as one string."""
    return " ".join(texts(node))


def find(node, predicate) -> list:
    """Every component in a tree for which `predicate` holds, depth first."""
    found = []
    if isinstance(node, (list, tuple)):
        for child in node:
            found += find(child, predicate)
    elif node is not None and not isinstance(node, (str, int, float)):
        if predicate(node):
            found.append(node)
        found += find(getattr(node, "children", None), predicate)
    return found


def components(node) -> list:
    """Every component in a tree, depth first."""
    return find(node, lambda component: True)


def classes(component) -> list[str]:
    return (getattr(component, "className", None) or "").split()


def with_class(node, name: str) -> list:
    """Every component in a tree carrying CSS class `name`."""
    return find(node, lambda component: name in classes(component))


def class_names(node) -> list[str]:
    """Every CSS class used in a tree, in order."""
    return [name for component in components(node) for name in classes(component)]

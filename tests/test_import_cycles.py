"""No two modules of study/ import each other, however indirectly (issue 18).

Every import counts: at the top of a module, inside a function, under ``TYPE_CHECKING``,
and in a package's ``__init__``. A cycle means neither module can be understood, tested
or moved without the other; break it by moving what both need into a third module.
"""

from __future__ import annotations

import itertools

import grimp


def import_cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Each cycle of ``graph`` once, as the modules along it, first module repeated last."""
    cycles: dict[frozenset[str], tuple[str, ...]] = {}
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(imported, importer)
            if back is not None:
                cycle = (importer, *back)
                cycles.setdefault(frozenset(cycle), cycle)
    return sorted(cycles.values())


def described(graph: grimp.ImportGraph, cycle: tuple[str, ...]) -> str:
    """A cycle with where each of its imports is: ``a (line 12) -> b (line 40) -> a``."""
    steps = []
    for importer, imported in itertools.pairwise(cycle):
        details = graph.get_import_details(importer=importer, imported=imported)
        lines = ",".join(str(detail["line_number"]) for detail in details)
        steps.append(f"{importer} (line {lines})")
    return " -> ".join([*steps, cycle[-1]])


def study_graph() -> grimp.ImportGraph:
    return grimp.build_graph("study", exclude_type_checking_imports=False, cache_dir=None)


def test_no_module_of_study_imports_itself_through_others() -> None:
    graph = study_graph()
    cycles = [described(graph, cycle) for cycle in import_cycles(graph)]
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_a_cycle_of_three_modules_is_found_once_and_named() -> None:
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.a", "pkg.b", "pkg.c", "pkg.d"):
        graph.add_module(module)
    graph.add_import(importer="pkg.a", imported="pkg.b", line_number=3, line_contents="import")
    graph.add_import(importer="pkg.b", imported="pkg.c", line_number=4, line_contents="import")
    graph.add_import(importer="pkg.c", imported="pkg.a", line_number=9, line_contents="import")
    graph.add_import(importer="pkg.c", imported="pkg.d", line_number=5, line_contents="import")
    [cycle] = import_cycles(graph)
    assert cycle == ("pkg.a", "pkg.b", "pkg.c", "pkg.a")
    assert described(graph, cycle) == (
        "pkg.a (line 3) -> pkg.b (line 4) -> pkg.c (line 9) -> pkg.a"
    )


def test_the_graph_holds_function_level_and_type_checking_imports() -> None:
    graph = study_graph()
    # study.cli.deck_commands imports study.services.library inside a command, and
    # study.cli.common imports study.services.workspace only under TYPE_CHECKING.
    assert graph.direct_import_exists(
        importer="study.cli.deck_commands", imported="study.services.library"
    )
    assert graph.direct_import_exists(
        importer="study.cli.common", imported="study.services.workspace"
    )

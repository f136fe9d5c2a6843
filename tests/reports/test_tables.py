"""The privacy rule on figures (reports.tables.protect; docs/privacy.md, "Figures")."""

from reports.tables import (
    HIDDEN,
    NOT_APPLICABLE,
    SUPPRESSED,
    Column,
    Kind,
    Median,
    Row,
    Share,
    Table,
    protect,
)

N = Column("n", "n")


def _table(values, total=True, columns=(N,), key="t") -> Table:
    rows = [Row(str(i), f"row {i}", row) for i, row in enumerate(values)]
    whole = None
    if total:
        sums = {}
        for row in values:
            for name, value in row.items():
                if isinstance(value, int):
                    sums[name] = sums.get(name, 0) + value
        whole = Row("total", "Total", sums)
    return Table(key, "title", "heading", list(columns), rows, whole)


def _shown(protected, column="n") -> list[str]:
    return [row.cells[column].text for row in protected.all_rows]


def test_counts_from_one_to_four_are_hidden_and_zero_and_five_are_shown():
    protected = protect(_table([{"n": v} for v in (0, 1, 4, 5, 12)], total=False))

    assert _shown(protected) == ["0", SUPPRESSED, SUPPRESSED, "5", "12"]
    assert [row.cells["n"].value for row in protected.rows] == [0, None, None, 5, 12]


def test_one_hidden_cell_under_a_total_takes_the_smallest_other_cell_with_it():
    protected = protect(_table([{"n": 3}, {"n": 20}, {"n": 7}, {"n": 0}]))

    # 30 - 20 - 7 would give the 3 away: the 7 goes too; the 0 cannot protect anything.
    assert _shown(protected) == [SUPPRESSED, "20", HIDDEN, "0", "30"]


def test_two_hidden_cells_need_no_third():
    protected = protect(_table([{"n": 3}, {"n": 2}, {"n": 40}]))

    assert _shown(protected) == [SUPPRESSED, SUPPRESSED, "40", "45"]


def test_a_small_total_is_hidden_and_then_its_rows_need_no_complement():
    protected = protect(_table([{"n": 3}, {"n": 0}]))

    assert _shown(protected) == [SUPPRESSED, "0", SUPPRESSED]


def test_no_hidden_cell_can_be_recomputed_from_the_total_in_any_random_table():
    import random

    generator = random.Random(13)
    for _ in range(300):
        values = [generator.choice([0, 1, 2, 3, 4, 5, 6, 9, 15, 40]) for _ in range(6)]
        protected = protect(_table([{"n": v} for v in values]))
        hidden = [row for row in protected.rows if row.cells["n"].suppressed]
        total = protected.total.cells["n"]
        if not total.suppressed:
            # With a published total, hidden cells come in twos or more (or not at all).
            assert len(hidden) != 1, values
        for row, value in zip(protected.rows, values, strict=True):
            if 0 < value < 5:
                assert row.cells["n"].suppressed


def test_schools_hide_a_second_school_where_their_neighbourhood_total_is_shown():
    hoods = protect(_table([{"n": 12}, {"n": 30}], key="hoods"))
    hoods.rows[0].key, hoods.rows[1].key = "A", "B"
    hoods.by_key = {"A": hoods.rows[0], "B": hoods.rows[1]}
    schools = Table(
        "schools",
        "t",
        "h",
        [N],
        [
            Row("1", "a1", {"n": 8}, group="A"),
            Row("2", "a2", {"n": 4}, group="A"),
            Row("3", "b1", {"n": 15}, group="B"),
            Row("4", "b2", {"n": 15}, group="B"),
        ],
        Row("total", "Total", {"n": 42}),
    )

    protected = protect(schools, parent=hoods)

    # Neighbourhood A shows 12: hiding only the 4 would leave 12 - 8 = 4; the 8 goes too.
    assert _shown(protected) == [HIDDEN, SUPPRESSED, "15", "15", "42"]


def test_a_hidden_neighbourhood_hides_one_of_its_schools_or_their_sum_would_show_it():
    hoods = protect(_table([{"n": 3}, {"n": 2}, {"n": 30}], key="hoods"))
    hoods.by_key = {row.key: row for row in hoods.rows}
    schools = Table(
        "schools",
        "t",
        "h",
        [N],
        [
            Row("s", "s", {"n": 3}, group="0"),
            Row("t", "t", {"n": 2}, group="1"),
            Row("u", "u", {"n": 20}, group="2"),
            Row("v", "v", {"n": 10}, group="2"),
        ],
        Row("total", "Total", {"n": 35}),
    )

    assert _shown(protect(schools, parent=hoods)) == [SUPPRESSED, SUPPRESSED, "20", "10", "35"]


def test_a_percentage_of_fewer_than_five_or_of_a_hidden_count_is_hidden():
    columns = [N, Column("rate", "rate", Kind.PERCENT, part_of="n")]
    protected = protect(
        _table(
            [
                {"n": 3, "rate": Share(3, 10)},
                {"n": 10, "rate": Share(10, 40)},
                {"n": 0, "rate": Share(0, 4)},
                {"n": 50, "rate": Share(50, 100)},
            ],
            columns=columns,
        )
    )

    assert _shown(protected, "rate")[:4] == [HIDDEN, HIDDEN, HIDDEN, "50 %"]
    # The 10 was hidden beside the 3 (secondary), so its 25 % would give it away.
    assert _shown(protected)[:4] == [SUPPRESSED, HIDDEN, "0", "50"]


def test_a_median_of_fewer_than_five_children_is_hidden():
    columns = [Column("days", "days", Kind.DAYS)]
    protected = protect(
        _table(
            [{"days": Median(3.5, 4)}, {"days": Median(2.0, 9)}, {"days": Median(None, 0)}],
            total=False,
            columns=columns,
        )
    )

    assert _shown(protected, "days") == [HIDDEN, "2", NOT_APPLICABLE]

"""95 % intervals for a rate and for the difference of two rates, and the words that go with them.

A rate gets the Wilson score interval (it stays inside 0-100 % and behaves with small counts). Two
groups are compared by the difference of their rates with Newcombe's hybrid score interval
(method 10 in Newcombe 1998, "Interval estimation for the difference between independent
proportions"), built from the two Wilson intervals. Whether two intervals overlap is the wrong
question: 30/100 against 45/100 overlap, yet the difference's interval excludes 0.

The sentence is decided on the numbers it prints: the interval's ends are rounded outward (a lower
end down, an upper end up), with one or two decimals when whole points would put 0 at an end the
exact interval does not reach. So "the interval includes 0" and the printed ends never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The normal quantile for a two-sided 95 % interval.
Z95 = 1.959963984540054
#: Decimals of a percentage point tried, fewest first, so the printed ends tell 0 apart as the exact ones do.
DECIMALS = (0, 1, 2)


def wilson(hits: int, total: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for hits/total; (0, 1) when there is nothing to count."""
    if total == 0:
        return 0.0, 1.0
    p = hits / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z / denominator * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return max(0.0, centre - half), min(1.0, centre + half)


def newcombe(hits_a: int, total_a: int, hits_b: int, total_b: int, z: float = Z95) -> tuple[float, float, float]:
    """(difference, low, high): rate a minus rate b, with Newcombe's hybrid score interval (method 10)."""
    p_a, p_b = hits_a / total_a, hits_b / total_b
    (low_a, high_a), (low_b, high_b) = wilson(hits_a, total_a, z), wilson(hits_b, total_b, z)
    difference = p_a - p_b
    low = difference - math.sqrt((p_a - low_a) ** 2 + (high_b - p_b) ** 2)
    high = difference + math.sqrt((high_a - p_a) ** 2 + (p_b - low_b) ** 2)
    return difference, max(-1.0, low), min(1.0, high)


@dataclass(frozen=True)
class Difference:
    """A difference of two rates in percentage points, as printed: the ends rounded outward."""

    points: float
    low: float
    high: float
    decimals: int

    @property
    def differs(self) -> bool:
        """Whether the printed interval leaves out 0 (then the groups differ at the 95 % level)."""
        return self.low > 0 or self.high < 0

    def number(self, value: float) -> str:
        """A number of points with this difference's decimals; -0 is printed as 0."""
        text = f"{value:.{self.decimals}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text

    def versus(self, other: str) -> str:
        """ "12 points higher than OTHER, 95% interval 3 to 21" (or "lower than", or "about the same as")."""
        size = self.number(abs(self.points))
        if float(size) == 0:
            change = f"about the same as {other}"
        else:
            change = f"{size} points {'higher' if self.points > 0 else 'lower'} than {other}"
        return f"{change}, 95% interval {self.number(self.low)} to {self.number(self.high)}"


def difference(hits_a: int, total_a: int, hits_b: int, total_b: int) -> Difference:
    """Rate a minus rate b in points, its ends rounded outward with the fewest decimals that keep 0 where it is."""
    exact, low, high = (100 * value for value in newcombe(hits_a, total_a, hits_b, total_b))
    excludes_zero = low > 0 or high < 0
    for decimals in DECIMALS:
        scale = 10**decimals
        shown = Difference(round(exact, decimals), math.floor(low * scale) / scale, math.ceil(high * scale) / scale, decimals)
        if shown.differs == excludes_zero:
            return shown
    return shown  # the exact interval misses 0 by under 0.01 points: printed (and said) as including it

"""Plotly figures of the dashboards, built in Python from the selectors' results.

Each function returns a `Chart`: the figure as plotly JSON (embedded in the page by
`ioc/_chart.html` and drawn by `ioc/charts.js` with the packaged plotly.min.js, no CDN). The
figures carry no data the page's table does not also show: the table is the chart's text
version and its fallback without JavaScript.
"""

from dataclasses import dataclass

import plotly.graph_objects as go
from django.utils.translation import gettext as _

# One palette for every chart, readable by colour-blind people (blue / orange / green / red).
RECEIVED = "#1f5fa8"
FINISHED = "#2e8b57"
ON_TIME = "#7fb069"
LATE = "#c0392b"
ONLINE = "#e08a00"
NEUTRAL = "#7b8794"
# Counts on an axis: whole numbers only (an empty period would show 0,2 0,4 ...).
COUNT_AXIS = {"rangemode": "tozero", "tickformat": ",d"}
# A horizontal bar chart shows at most this many rows; the table below it has all of them.
MAX_BARS = 25
# Longer names are cut on the axis (a procedure's name runs to 200 characters and would take
# a phone's whole width); the hover and the table give them in full.
AXIS_LABEL_CHARS = 24


@dataclass(frozen=True)
class Chart:
    """A figure and the id of the element it is drawn in (`ioc/_chart.html`)."""

    id: str
    title: str
    figure: dict

    @property
    def data_id(self) -> str:
        return f"{self.id}-data"


def _layout(**extra) -> dict:
    """The look every chart shares: no plotly theme (its JSON is 10 kB), the page's font,
    the legend above the plot (on the side it takes half a phone's width)."""
    layout = {
        "template": "none",
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
                 "size": 13, "color": "#1d2733"},
        "margin": {"l": 48, "r": 16, "t": 32, "b": 40},
        "height": 320,
        "legend": {"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom"},
        "hovermode": "x unified",
        "separators": ",.",  # Vietnamese: decimal comma, thousands dot
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
    }
    layout.update(extra)
    return layout


def _chart(chart_id: str, title: str, traces: list, **layout) -> Chart:
    figure = go.Figure(data=traces, layout=_layout(**layout))
    return Chart(id=chart_id, title=title, figure=figure.to_plotly_json())


def trend(points, *, by_month: bool = False) -> Chart:
    """Received, finished and finished on time per day (or month) of the period. Dates are
    written as numbers (plotly would name the months in English)."""
    days = [point.day.isoformat() for point in points]
    shown = "%m/%Y" if by_month else "%d/%m"
    traces = [
        go.Scatter(x=days, y=[point.received for point in points], name=_("Received"),
                   mode="lines+markers", line={"color": RECEIVED}),
        go.Scatter(x=days, y=[point.finished for point in points], name=_("Finished"),
                   mode="lines+markers", line={"color": FINISHED}),
        go.Scatter(x=days, y=[point.on_time for point in points], name=_("Finished on time"),
                   mode="lines", line={"color": ON_TIME, "dash": "dot"}),
    ]
    return _chart("chart-trend", _("Received and finished over the period"), traces,
                  xaxis={"type": "date", "tickformat": shown,
                         "hoverformat": "%m/%Y" if by_month else "%d/%m/%Y"},
                  yaxis=COUNT_AXIS)


def backlog(buckets) -> Chart:
    """Open dossiers by age; the oldest bucket in red."""
    colours = [NEUTRAL] * max(len(buckets) - 1, 0) + [LATE] if buckets else []
    traces = [go.Bar(x=[bucket.label for bucket in buckets],
                     y=[bucket.count for bucket in buckets],
                     marker={"color": colours}, name=_("Open dossiers"))]
    return _chart("chart-backlog", _("Open dossiers by age"), traces,
                  hovermode="closest", showlegend=False, yaxis=COUNT_AXIS)


def score_groups(groups) -> Chart:
    """Points won against points possible for each Decision 766 group."""
    names = [group.name for group in groups]
    traces = [
        go.Bar(y=names, x=[group.points for group in groups], orientation="h",
               name=_("Points"), marker={"color": RECEIVED}),
        go.Bar(y=names, x=[group.max_points - group.points for group in groups],
               orientation="h", name=_("Points missed"), marker={"color": "#d5dde6"}),
    ]
    return _chart("chart-scores", _("Decision 766 score by group"), traces,
                  barmode="stack", hovermode="y unified",
                  legend={"orientation": "h", "x": 0, "y": 1, "yanchor": "bottom",
                          "traceorder": "normal"},
                  yaxis={"autorange": "reversed", "automargin": True},
                  margin={"l": 8, "r": 16, "t": 32, "b": 40})


def breakdown(rows, chart_id: str, title: str) -> Chart:
    """Received, finished on time and late per unit, procedure or channel (largest first)."""
    shown = sorted(rows, key=lambda row: row.received, reverse=True)[:MAX_BARS]
    labels = _axis_labels([row.label for row in shown])
    full = [row.label for row in shown]
    hover = "%{customdata}: %{x}<extra>%{fullData.name}</extra>"
    traces = [
        go.Bar(y=labels, x=[row.received for row in shown], orientation="h",
               name=_("Received"), marker={"color": RECEIVED}, customdata=full,
               hovertemplate=hover),
        go.Bar(y=labels, x=[row.on_time for row in shown], orientation="h",
               name=_("Finished on time"), marker={"color": ON_TIME}, customdata=full,
               hovertemplate=hover),
        go.Bar(y=labels, x=[row.late for row in shown], orientation="h",
               name=_("Finished late"), marker={"color": LATE}, customdata=full,
               hovertemplate=hover),
    ]
    return _chart(chart_id, title, traces, barmode="group", hovermode="closest",
                  height=_bar_height(len(shown), per_row=3), xaxis=COUNT_AXIS,
                  yaxis={"autorange": "reversed", "automargin": True},
                  margin={"l": 8, "r": 16, "t": 32, "b": 40})


def pareto(rows) -> Chart:
    """Procedures by volume (bars), the cumulative share (line, right axis) and each one's
    online rate (dots, right axis): the tall bars with low dots are the ones to push online."""
    shown = rows[:MAX_BARS]
    codes = [row.code for row in shown]
    names = [row.name for row in shown]
    traces = [
        go.Bar(x=codes, y=[row.received for row in shown], name=_("Received"),
               marker={"color": RECEIVED}, customdata=names,
               hovertemplate="%{customdata}<br>%{y}<extra></extra>"),
        go.Scatter(x=codes, y=[_percent(row.cumulative_share) for row in shown],
                   name=_("Cumulative share (%)"), yaxis="y2", mode="lines+markers",
                   line={"color": NEUTRAL}),
        go.Scatter(x=codes, y=[row.online_rate for row in shown], name=_("Online rate (%)"),
                   yaxis="y2", mode="markers", marker={"color": ONLINE, "size": 10,
                                                       "symbol": "diamond"}),
    ]
    return _chart("chart-pareto", _("Procedures by volume and their online rate"), traces,
                  xaxis={"type": "category", "tickangle": -45},
                  yaxis=COUNT_AXIS,
                  yaxis2={"overlaying": "y", "side": "right", "range": [0, 104],
                          "dtick": 20, "ticksuffix": " %", "showgrid": False},
                  margin={"l": 48, "r": 48, "t": 32, "b": 90}, height=380)


def ranking(rows) -> Chart:
    """The score of each ranked office, best first."""
    shown = rows[:MAX_BARS]
    names = [row.office_name for row in shown]
    traces = [go.Bar(y=_axis_labels(names), x=[row.score for row in shown], orientation="h",
                     marker={"color": RECEIVED}, name=_("Score"), customdata=names,
                     hovertemplate="%{customdata}: %{x}<extra></extra>")]
    return _chart("chart-ranking", _("Decision 766 score"), traces, showlegend=False,
                  hovermode="closest", height=_bar_height(len(shown), per_row=1),
                  xaxis={"range": [0, 100]},
                  yaxis={"autorange": "reversed", "automargin": True},
                  margin={"l": 8, "r": 16, "t": 32, "b": 40})


def _axis_labels(names: list[str]) -> list[str]:
    """Names cut to AXIS_LABEL_CHARS; two names cut alike stay apart (an axis merges equal
    labels into one bar) by their rank."""
    labels = []
    for index, name in enumerate(names, start=1):
        label = name if len(name) <= AXIS_LABEL_CHARS else name[:AXIS_LABEL_CHARS - 1] + "…"
        labels.append(label if label not in labels else f"{label} ({index})")
    return labels


def _bar_height(count: int, *, per_row: int) -> int:
    return max(240, 60 + count * (10 + 8 * per_row))


def _percent(share) -> float | None:
    """A share (0–1) as a percentage, as the table shows it."""
    return None if share is None else round(share * 100, 1)

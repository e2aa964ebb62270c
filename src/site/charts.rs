//! Charts as inline SVG, drawn at build time from figures: stacked bars by month, and
//! horizontal bars against a target. No script and no web font; colours come from classes the
//! stylesheet defines. Each chart names itself for assistive technology and points at the
//! data table the page prints beside it, which holds the same numbers.

use super::diagram::Escaped;
use std::fmt::Write as _;

/// What the values measure, for the axis and the tooltips.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Count,
    /// Shares from 0 to 1, shown as percentages.
    Percent,
    /// Seconds, shown as hours.
    Hours,
}

impl Unit {
    fn show(self, v: f64) -> String {
        match self {
            Unit::Count => format!("{v:.0}"),
            Unit::Percent => format!("{:.1}%", v * 100.0),
            Unit::Hours => format!("{:.1} h", v / 3600.0),
        }
    }
}

/// What a page needs of a chart.
pub(crate) trait Chart {
    /// Unique on the page: the chart's element ids derive from it.
    fn id(&self) -> &'static str;
    fn title(&self) -> &str;
    /// The chart as an SVG element.
    fn svg(&self) -> String;
}

/// One series of a bar chart: a value per category (`None`: nothing to show).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Series {
    pub name: String,
    /// A class of the stylesheet (`c-ok`, `c-fail`, `c-p1`...).
    pub class: &'static str,
    pub values: Vec<Option<f64>>,
}

/// Bars by category, the series stacked.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Bars {
    /// Unique on the page: the chart's element ids derive from it.
    pub id: &'static str,
    pub title: String,
    pub unit: Unit,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// The smallest "round" number (1, 2 or 5 times a power of ten) at or above `x`.
fn nice(x: f64) -> f64 {
    if !x.is_finite() || x <= 0.0 {
        return 1.0;
    }
    let p = 10f64.powf(x.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * p)
        .find(|v| *v >= x - 1e-9)
        .unwrap_or(10.0 * p)
}

fn open(svg: &mut String, id: &str, title: &str, height: f64) {
    let _ = write!(
        svg,
        "<svg class=\"chart\" viewBox=\"0 0 {W} {height}\" role=\"img\" aria-labelledby=\"{id}-t\" aria-describedby=\"{id}-d\"><title id=\"{id}-t\">{}</title><desc id=\"{id}-d\">The table after the chart holds its numbers.</desc>",
        Escaped(title)
    );
}

impl Chart for Bars {
    fn id(&self) -> &'static str {
        self.id
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn svg(&self) -> String {
        let n = self.categories.len().max(1) as f64;
        let totals: Vec<f64> = (0..self.categories.len())
            .map(|c| {
                self.series
                    .iter()
                    .filter_map(|s| s.values.get(c).copied().flatten())
                    .sum()
            })
            .collect();
        // Four gridlines a round step apart (a whole number of changes or incidents).
        let max = match self.unit {
            Unit::Percent => 1.0,
            Unit::Count => nice(totals.iter().copied().fold(0.0, f64::max) / 4.0).max(1.0) * 4.0,
            Unit::Hours => {
                nice(totals.iter().copied().fold(0.0, f64::max) / 3600.0 / 4.0) * 4.0 * 3600.0
            }
        };
        let (plot_w, plot_h) = (W - LEFT - RIGHT, H - TOP - BOTTOM);
        let y = |v: f64| TOP + plot_h * (1.0 - (v / max).clamp(0.0, 1.0));
        let mut svg = String::new();
        open(&mut svg, self.id, &self.title, H);
        // Grid and axis labels: 0, a quarter, ... the top.
        for k in 0..=4 {
            let v = max * f64::from(k) / 4.0;
            let at = y(v);
            let _ = write!(
                svg,
                "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{at:.1}\" x2=\"{:.1}\" y2=\"{at:.1}\"/><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                W - RIGHT,
                LEFT - 6.0,
                at + 4.0,
                Escaped(&self.unit.show(v))
            );
        }
        let slot = plot_w / n;
        let bar = (slot * 0.6).min(48.0);
        for (c, category) in self.categories.iter().enumerate() {
            let x = LEFT + slot * c as f64 + (slot - bar) / 2.0;
            let mut base = 0.0;
            for s in &self.series {
                let Some(v) = s.values.get(c).copied().flatten() else {
                    continue;
                };
                if v <= 0.0 {
                    continue;
                }
                let (top, bottom) = (y(base + v), y(base));
                let _ = write!(
                    svg,
                    "<rect class=\"{}\" x=\"{x:.1}\" y=\"{top:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"><title>{} {}: {}</title></rect>",
                    s.class,
                    (bottom - top).max(0.5),
                    Escaped(category),
                    Escaped(&s.name),
                    Escaped(&self.unit.show(v))
                );
                base += v;
            }
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                LEFT + slot * (c as f64 + 0.5),
                H - BOTTOM + 16.0,
                Escaped(category)
            );
        }
        // The legend, under the axis.
        let mut x = LEFT;
        for s in &self.series {
            let _ = write!(
                svg,
                "<rect class=\"{}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\"/><text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                s.class,
                H - 14.0,
                x + 14.0,
                H - 5.0,
                Escaped(&s.name)
            );
            x += 24.0 + 7.0 * s.name.chars().count() as f64;
        }
        svg.push_str("</svg>");
        svg
    }
}

/// One horizontal bar per row, from the lowest value shown to 100%, with the row's target
/// marked: availability against the SLA.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Against {
    pub id: &'static str,
    pub title: String,
    /// (label, value from 0 to 1, target).
    pub rows: Vec<(String, f64, Option<f64>)>,
}

const ROW: f64 = 26.0;
const LABEL: f64 = 200.0;
/// Characters of a label that fit in its column.
const LABEL_CHARS: usize = 26;

impl Chart for Against {
    fn id(&self) -> &'static str {
        self.id
    }

    fn title(&self) -> &str {
        &self.title
    }

    fn svg(&self) -> String {
        // The scale starts at a round share below every value and target, so that 99.5%
        // and 99.95% do not look alike.
        let low = self
            .rows
            .iter()
            .flat_map(|(_, v, t)| std::iter::once(*v).chain(*t))
            .fold(1.0f64, f64::min);
        let gap = nice((1.0 - low).max(0.0001) * 1.1);
        let from = (1.0 - gap).max(0.0);
        let height = TOP + ROW * self.rows.len().max(1) as f64 + 28.0;
        let plot = W - LABEL - RIGHT;
        let x = |v: f64| LABEL + plot * ((v - from) / (1.0 - from)).clamp(0.0, 1.0);
        let mut svg = String::new();
        open(&mut svg, self.id, &self.title, height);
        for (r, (label, value, target)) in self.rows.iter().enumerate() {
            let top = TOP + ROW * r as f64;
            let met = target.is_none_or(|t| *value >= t);
            let short: String = if label.chars().count() > LABEL_CHARS {
                label.chars().take(LABEL_CHARS - 1).chain(['…']).collect()
            } else {
                label.clone()
            };
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect class=\"{}\" x=\"{LABEL}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{:.1}\"><title>{}: {}{}</title></rect>",
                LABEL - 8.0,
                top + ROW / 2.0 + 4.0,
                Escaped(&short),
                if met { "c-ok" } else { "c-fail" },
                top + 4.0,
                (x(*value) - LABEL).max(0.5),
                ROW - 8.0,
                Escaped(label),
                Unit::Percent.show(*value),
                target.map_or(String::new(), |t| format!(" (target {:.2}%)", t * 100.0))
            );
            if let Some(t) = target {
                let at = x(*t);
                let _ = write!(
                    svg,
                    "<line class=\"target\" x1=\"{at:.1}\" y1=\"{:.1}\" x2=\"{at:.1}\" y2=\"{:.1}\"/>",
                    top + 1.0,
                    top + ROW - 1.0
                );
            }
        }
        let axis = TOP + ROW * self.rows.len().max(1) as f64 + 16.0;
        for (v, anchor) in [
            (from, "start"),
            ((from + 1.0) / 2.0, "middle"),
            (1.0, "end"),
        ] {
            let _ = write!(
                svg,
                "<text class=\"axis\" x=\"{:.1}\" y=\"{axis:.1}\" text-anchor=\"{anchor}\">{:.2}%</text>",
                x(v),
                v * 100.0
            );
        }
        svg.push_str("</svg>");
        svg
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn changes() -> Bars {
        Bars {
            id: "changes",
            title: "Changes by month".into(),
            unit: Unit::Count,
            categories: vec!["2026-10".into(), "<b>".into()],
            series: vec![
                Series {
                    name: "successful".into(),
                    class: "c-ok",
                    values: vec![Some(3.0), Some(0.0)],
                },
                Series {
                    name: "failed".into(),
                    class: "c-fail",
                    values: vec![Some(1.0), None],
                },
            ],
        }
    }

    #[test]
    fn axes_end_on_a_round_number() {
        assert_eq!(nice(4.0), 5.0);
        assert_eq!(nice(7.0), 10.0);
        assert_eq!(nice(0.0), 1.0);
        assert_eq!(nice(120.0), 200.0);
        assert_eq!(nice(0.003), 0.005);
    }

    #[test]
    fn stacked_bars_are_named_for_assistive_technology_and_escaped() {
        let svg = changes().svg();
        assert!(svg.starts_with("<svg class=\"chart\""), "{svg}");
        assert!(
            svg.contains("role=\"img\" aria-labelledby=\"changes-t\""),
            "{svg}"
        );
        assert!(svg.contains("<title id=\"changes-t\">Changes by month</title>"));
        // 3 successful and 1 failed in October: two rects, the failed one on top.
        assert!(
            svg.contains("<title>2026-10 successful: 3</title>"),
            "{svg}"
        );
        assert!(svg.contains("<title>2026-10 failed: 1</title>"), "{svg}");
        // Nothing drawn for zero or missing; the label is escaped.
        assert!(!svg.contains("&lt;b&gt; successful"), "{svg}");
        assert!(svg.contains(">&lt;b&gt;</text>"), "{svg}");
        assert!(!svg.contains("<b>"));
        // The scale: 4 in steps of 1, every gridline a whole number.
        for label in [
            ">0</text>",
            ">1</text>",
            ">2</text>",
            ">3</text>",
            ">4</text>",
        ] {
            assert!(svg.contains(label), "{label}: {svg}");
        }
        let many = Bars {
            categories: vec!["m".into()],
            series: vec![Series {
                name: "n".into(),
                class: "c-ok",
                values: vec![Some(13.0)],
            }],
            ..changes()
        };
        // 13 / 4 = 3.25 rounds up to a step of 5: 0, 5, 10, 15, 20.
        assert!(many.svg().contains(">20</text>"), "{}", many.svg());
    }

    #[test]
    fn availability_bars_mark_the_target_and_colour_what_misses_it() {
        let svg = Against {
            id: "avail",
            title: "Tier-1 availability".into(),
            rows: vec![
                ("Payments API".into(), 0.996, Some(0.9995)),
                ("Checkout".into(), 0.9999, Some(0.9995)),
            ],
        }
        .svg();
        assert!(svg.contains("class=\"c-fail\""), "{svg}");
        assert!(svg.contains("class=\"c-ok\""), "{svg}");
        assert_eq!(svg.matches("class=\"target\"").count(), 2);
        assert!(
            svg.contains("<title>Payments API: 99.6% (target 99.95%)</title>"),
            "{svg}"
        );
        // The scale starts below the lowest value (99.6%): at 99.50%.
        assert!(svg.contains(">99.50%</text>"), "{svg}");
    }
}

//! The dashboard's two small charts as geometry for `templates/admin/dashboard.html`, which draws
//! them as inline SVG (rectangles with classes styled by `app.css`: no inline style, no script):
//! searches per day with the ones that found nothing, and per day the share with no results and
//! the share with no instant answer.

use crate::store::DaySearches;

/// The charts' drawing area (SVG user units; the SVG scales to the page's width).
pub(crate) const WIDTH: f64 = 600.0;
/// Its height.
pub(crate) const HEIGHT: f64 = 150.0;

/// One rectangle of a chart.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bar {
    pub x: String,
    pub y: String,
    pub width: String,
    pub height: String,
    /// The CSS class that colours it.
    pub class: &'static str,
    /// What it shows, as a tooltip (`<title>`).
    pub title: String,
}

/// A chart: its name in ids, its caption and legend (CSS class suffix and label of each colour),
/// its bars, and the value at the top of its scale.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Chart {
    pub id: &'static str,
    pub caption: &'static str,
    pub legend: [(&'static str, &'static str); 2],
    pub bars: Vec<Bar>,
    pub top: String,
}

fn number(value: f64) -> String {
    format!("{value:.2}")
}

/// A bar in day slot `slot` of `slots`, at `offset` and `share` of the slot's width, `fraction`
/// of the chart's height.
fn bar(slots: usize, slot: usize, (offset, share): (f64, f64), fraction: f64) -> [String; 4] {
    let slot_width = WIDTH / slots.max(1) as f64;
    // A gap between days, unless the bars are too thin for one.
    let gap = if slot_width >= 4.0 {
        slot_width * 0.15
    } else {
        0.0
    };
    let usable = slot_width - gap;
    let height = (fraction.clamp(0.0, 1.0) * HEIGHT).max(if fraction > 0.0 { 1.0 } else { 0.0 });
    [
        number(slot as f64 * slot_width + gap / 2.0 + offset * usable),
        number(HEIGHT - height),
        number(usable * share),
        number(height),
    ]
}

/// Searches per day, each bar overlaid with the part that found no results.
pub(crate) fn searches(days: &[DaySearches]) -> Chart {
    let top = days
        .iter()
        .map(|day| day.searches)
        .max()
        .unwrap_or(0)
        .max(1);
    let mut bars = Vec::new();
    for (slot, day) in days.iter().enumerate() {
        let title = format!(
            "{}: {} searches, {} with no results",
            day.date, day.searches, day.no_results
        );
        for (value, class) in [
            (day.searches, "chart-searches"),
            (day.no_results, "chart-no-results"),
        ] {
            let [x, y, width, height] =
                bar(days.len(), slot, (0.0, 1.0), value as f64 / top as f64);
            bars.push(Bar {
                x,
                y,
                width,
                height,
                class,
                title: title.clone(),
            });
        }
    }
    Chart {
        id: "searches",
        caption: "Searches per day",
        legend: [
            ("searches", "all searches"),
            ("no-results", "with no results"),
        ],
        bars,
        top: top.to_string(),
    }
}

/// Per day with searches, two bars side by side: the share with no results and the share with
/// no instant answer (days without searches have none).
pub(crate) fn shares(days: &[DaySearches]) -> Chart {
    let mut bars = Vec::new();
    for (slot, day) in days.iter().enumerate().filter(|(_, day)| day.searches > 0) {
        let total = day.searches as f64;
        for (offset, value, class, what) in [
            (0.0, day.no_results, "chart-no-results", "no results"),
            (0.5, day.no_answer, "chart-no-answer", "no instant answer"),
        ] {
            let [x, y, width, height] = bar(days.len(), slot, (offset, 0.5), value as f64 / total);
            bars.push(Bar {
                x,
                y,
                width,
                height,
                class,
                title: format!(
                    "{}: {}% of {} searches with {what}",
                    day.date,
                    percent(value, day.searches),
                    day.searches
                ),
            });
        }
    }
    Chart {
        id: "shares",
        caption: "Share of each day's searches",
        legend: [
            ("no-results", "with no results"),
            ("no-answer", "with no instant answer"),
        ],
        bars,
        top: "100%".into(),
    }
}

/// `part` of `whole` in whole percent (0 when `whole` is 0).
pub(crate) fn percent(part: i64, whole: i64) -> i64 {
    if whole == 0 {
        0
    } else {
        (part * 100 + whole / 2) / whole
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(searches: i64, no_results: i64, no_answer: i64) -> DaySearches {
        DaySearches {
            day: 0,
            date: "1970-01-01".into(),
            searches,
            no_results,
            no_answer,
        }
    }

    #[test]
    fn bars_fit_the_area_and_scale_to_the_busiest_day() {
        let chart = searches(&[day(10, 5, 0), day(0, 0, 0), day(5, 0, 0)]);
        assert_eq!(chart.top, "10");
        assert_eq!(chart.bars.len(), 6);
        assert_eq!(chart.bars[0].height, "150.00");
        assert_eq!(chart.bars[1].height, "75.00");
        assert_eq!(chart.bars[2].height, "0.00");
        assert_eq!(chart.bars[4].y, "75.00");
        for bar in &chart.bars {
            let x: f64 = bar.x.parse().expect("x");
            let width: f64 = bar.width.parse().expect("width");
            assert!(x >= 0.0 && x + width <= WIDTH + 0.01, "{bar:?}");
        }
    }

    #[test]
    fn shares_skip_days_without_searches() {
        let chart = shares(&[day(4, 1, 2), day(0, 0, 0)]);
        assert_eq!(chart.bars.len(), 2);
        assert_eq!(chart.bars[0].height, "37.50");
        assert_eq!(chart.bars[1].height, "75.00");
        assert!(
            chart.bars[1]
                .title
                .contains("50% of 4 searches with no instant answer")
        );
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(0, 0), 0);
    }
}

//! Service level agreements, operational level agreements and underpinning contracts.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A duration: a number and a unit (`30s`, `15m`, `4h`, `3d`, `2w`), or several (`1h30m`).
pub const DURATION_PATTERN: &str = r"^(?:[0-9]{1,9}[smhdw])+$";
/// A wall-clock time `HH:MM`.
pub const CLOCK_PATTERN: &str = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct SlaSpec {
    /// `sla` (with customers), `ola` (between teams) or `uc` (with a supplier).
    #[serde(rename = "type", default)]
    pub sla_type: SlaType,
    /// Promised availability in percent, more than 0 and at most 100.
    #[schemars(range(max = 100.0), extend("exclusiveMinimum" = 0))]
    pub availability: f64,
    /// `24x7`, or the hours the targets apply in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_hours: Option<ServiceHours>,
    /// Response and resolution targets per incident priority.
    #[serde(default)]
    pub priorities: Priorities,
    /// Recovery time and recovery point objectives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub continuity: Option<Continuity>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SlaType {
    #[default]
    Sla,
    Ola,
    Uc,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ServiceHours {
    /// Around the clock.
    Always(AlwaysHours),
    Window(HoursWindow),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum AlwaysHours {
    #[serde(rename = "24x7")]
    TwentyFourSeven,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HoursWindow {
    /// An IANA time zone (`Europe/Berlin`).
    pub timezone: String,
    #[schemars(length(min = 1))]
    pub days: Vec<Weekday>,
    /// `08:00`.
    #[schemars(pattern(CLOCK_PATTERN))]
    pub from: String,
    /// `18:00`.
    #[schemars(pattern(CLOCK_PATTERN))]
    pub to: String,
}

#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Priorities {
    #[serde(rename = "P1", default, skip_serializing_if = "Option::is_none")]
    pub p1: Option<Target>,
    #[serde(rename = "P2", default, skip_serializing_if = "Option::is_none")]
    pub p2: Option<Target>,
    #[serde(rename = "P3", default, skip_serializing_if = "Option::is_none")]
    pub p3: Option<Target>,
    #[serde(rename = "P4", default, skip_serializing_if = "Option::is_none")]
    pub p4: Option<Target>,
}

impl Priorities {
    /// The targets of one priority, if the SLA sets them.
    pub fn get(&self, priority: super::Priority) -> Option<&Target> {
        match priority {
            super::Priority::P1 => self.p1.as_ref(),
            super::Priority::P2 => self.p2.as_ref(),
            super::Priority::P3 => self.p3.as_ref(),
            super::Priority::P4 => self.p4.as_ref(),
        }
    }

    /// `(name, target)` from the most to the least urgent, skipping absent ones.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &Target)> {
        [
            ("P1", &self.p1),
            ("P2", &self.p2),
            ("P3", &self.p3),
            ("P4", &self.p4),
        ]
        .into_iter()
        .filter_map(|(n, t)| t.as_ref().map(|t| (n, t)))
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Time to first response (`15m`).
    #[schemars(pattern(DURATION_PATTERN))]
    pub response: String,
    /// Time to resolution (`4h`).
    #[schemars(pattern(DURATION_PATTERN))]
    pub resolution: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Continuity {
    /// Recovery time objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(DURATION_PATTERN))]
    pub rto: Option<String>,
    /// Recovery point objective.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(pattern(DURATION_PATTERN))]
    pub rpo: Option<String>,
}

/// The length of a duration (`4h`, `1h30m`, `2w`) in seconds; days are 24 hours and weeks
/// 7 days. `None` if the text is not a duration.
pub fn duration_seconds(text: &str) -> Option<i64> {
    use jiff::{Span, SpanRelativeTo, Unit};
    let span: Span = text.parse().ok()?;
    let total = span
        .total((Unit::Second, SpanRelativeTo::days_are_24_hours()))
        .ok()?;
    Some(total as i64)
}

#[cfg(test)]
mod tests {
    use super::duration_seconds;

    #[test]
    fn durations_read_in_seconds() {
        assert_eq!(duration_seconds("30s"), Some(30));
        assert_eq!(duration_seconds("15m"), Some(900));
        assert_eq!(duration_seconds("4h"), Some(14_400));
        assert_eq!(duration_seconds("3d"), Some(259_200));
        assert_eq!(duration_seconds("2w"), Some(1_209_600));
        assert_eq!(duration_seconds("1h30m"), Some(5_400));
        assert_eq!(duration_seconds("soon"), None);
    }
}

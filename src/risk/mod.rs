//! Risk: a score with one reason per point, and a level that is never lower than what the
//! requester declared or what the record said at the base revision.

mod history;

pub(crate) use history::{History, KnownError, Ledger, RecentIncident};

use crate::impact::ImpactSet;
use crate::model::{ChangeType, Impact, Risk, RiskPolicy};
use serde::Serialize;

/// What the score is computed from, besides the impact.
#[derive(Clone, Debug, Default)]
pub(crate) struct RiskContext {
    /// The types of the change records involved (the riskiest counts).
    pub change_types: Vec<(String, ChangeType)>,
    /// Change records without a verification plan.
    pub missing_verification: Vec<String>,
    /// The requester's declared risk, per change record (at head).
    pub declared: Vec<(String, Risk)>,
    /// The declared risk of the same change records at the base revision.
    pub declared_at_base: Vec<(String, Risk)>,
    /// Failures, known errors and incidents on the same records (`Ledger::history`).
    pub history: History,
}

/// The verdict, with every point explained.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub(crate) struct Assessment {
    /// The level the gate uses: the highest of computed, declared and declared at base.
    pub level: Risk,
    pub score: u32,
    /// The level the score alone gives.
    pub computed: Risk,
    /// One line per contribution, in the order they were added.
    pub reasons: Vec<String>,
}

/// The level a score reaches under the policy's thresholds.
pub(crate) fn level_of(score: u32, policy: &RiskPolicy) -> Risk {
    let l = &policy.levels;
    if score >= l.critical {
        Risk::Critical
    } else if score >= l.high {
        Risk::High
    } else if score >= l.medium {
        Risk::Medium
    } else {
        Risk::Low
    }
}

/// Score a change set.
pub(crate) fn assess(impact: &ImpactSet, ctx: &RiskContext, policy: &RiskPolicy) -> Assessment {
    let mut score: u32 = 0;
    let mut reasons = Vec::new();
    // Saturating: weights come from the Policy, and two outages of weight 2^31 must not wrap
    // round to a score of 0.
    let mut add = |points: u32, reason: String| {
        if points > 0 {
            score = score.saturating_add(points);
            reasons.push(format!("{reason} (+{points})"));
        }
    };
    for s in impact.services() {
        let tier = s.tier.unwrap_or(4);
        match s.impact {
            Impact::Full => add(
                policy.tier_weights.of(tier),
                format!("tier-{tier} service {} goes down", s.reference.id),
            ),
            Impact::Partial => add(
                policy.degraded_weights.of(tier),
                format!("tier-{tier} service {} is degraded", s.reference.id),
            ),
        }
    }
    let services = u32::try_from(impact.services().count()).unwrap_or(u32::MAX);
    if let Some(points) = services.checked_div(policy.breadth_step) {
        add(
            points,
            format!(
                "{services} services impacted (1 point per {})",
                policy.breadth_step
            ),
        );
    }
    if let Some((id, t)) = ctx
        .change_types
        .iter()
        .max_by_key(|(_, t)| policy.type_weights.of(*t))
    {
        add(
            policy.type_weights.of(*t),
            format!("{} change {id}", t.as_str()),
        );
    }
    for id in &ctx.missing_verification {
        add(
            policy.missing_verification,
            format!("{id} has no verification plan"),
        );
    }
    let h = &ctx.history;
    for (id, r) in &h.failed_before {
        add(policy.failed_before, format!("{id} on {r} failed before"));
    }
    for k in &h.known_errors {
        add(
            policy.known_error_weight,
            format!("open known error {} on {}", k.problem, k.on),
        );
    }
    for i in &h.recent_incidents {
        add(
            policy.recent_incident_weight,
            format!(
                "{} incident {} on {}, detected {}",
                i.priority.as_str(),
                i.incident,
                i.on,
                i.detected.strftime("%Y-%m-%d")
            ),
        );
    }
    let computed = level_of(score, policy);
    let mut level = computed;
    reasons.push(format!("score {score} is {} risk", computed.as_str()));
    for (label, list) in [
        ("declared", &ctx.declared),
        ("declared at base", &ctx.declared_at_base),
    ] {
        if let Some((id, r)) = list.iter().max_by_key(|(_, r)| *r)
            && *r > level
        {
            level = *r;
            reasons.push(format!(
                "{id} {label} as {}: the level is never lowered",
                r.as_str()
            ));
        }
    }
    Assessment {
        level,
        score,
        computed,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::impact::tests::graph;
    use crate::model::{Kind, RecordRef};

    fn impact(spec: &str, changed: &[&str]) -> ImpactSet {
        let (set, g) = graph(spec);
        let changed: Vec<RecordRef> = changed
            .iter()
            .map(|c| RecordRef::new(Kind::ConfigurationItem, *c))
            .collect();
        ImpactSet::compute(&set, &g, &changed)
    }

    #[test]
    fn a_tier_1_outage_scores_its_weight_with_a_reason() {
        let i = impact("db\ns-pay: db\ns-shop: ~s-pay", &["db"]);
        let a = assess(&i, &RiskContext::default(), &RiskPolicy::default());
        assert_eq!(a.score, 4);
        assert_eq!(a.level, Risk::High);
        assert_eq!(
            a.reasons,
            vec![
                "tier-1 service s-pay goes down (+3)",
                "tier-1 service s-shop is degraded (+1)",
                "score 4 is high risk"
            ]
        );
    }

    #[test]
    fn the_declared_risk_is_never_lowered() {
        let i = impact("db", &["db"]);
        let ctx = RiskContext {
            declared: vec![("CHG-1".into(), Risk::Medium)],
            declared_at_base: vec![("CHG-1".into(), Risk::Critical)],
            missing_verification: vec!["CHG-1".into()],
            change_types: vec![("CHG-1".into(), ChangeType::Emergency)],
            ..RiskContext::default()
        };
        let a = assess(&i, &ctx, &RiskPolicy::default());
        assert_eq!(
            (a.score, a.computed, a.level),
            (3, Risk::Medium, Risk::Critical)
        );
        assert_eq!(
            a.reasons,
            vec![
                "emergency change CHG-1 (+2)",
                "CHG-1 has no verification plan (+1)",
                "score 3 is medium risk",
                "CHG-1 declared at base as critical: the level is never lowered"
            ]
        );
    }

    #[test]
    fn huge_weights_saturate_instead_of_wrapping() {
        let i = impact("db\ns-a: db\ns-b: db", &["db"]);
        let policy = RiskPolicy {
            tier_weights: crate::model::TierWeights {
                tier1: 1 << 31,
                tier2: 0,
                tier3: 0,
                tier4: 0,
            },
            ..RiskPolicy::default()
        };
        let a = assess(&i, &RiskContext::default(), &policy);
        assert_eq!(a.score, u32::MAX);
        assert_eq!(a.level, Risk::Critical);
    }

    #[test]
    fn breadth_adds_a_point_per_step() {
        let spec = "db\ns-a: db\ns-b: db\ns-c: db\ns-d: db\ns-e: db";
        let policy = RiskPolicy {
            tier_weights: crate::model::TierWeights::NONE,
            ..RiskPolicy::default()
        };
        let a = assess(&impact(spec, &["db"]), &RiskContext::default(), &policy);
        assert_eq!(a.reasons[0], "5 services impacted (1 point per 5) (+1)");
        assert_eq!(a.level, Risk::Low);
    }
}

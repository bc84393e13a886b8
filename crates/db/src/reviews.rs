//! Measures granted before reviews existed get their review deadline by
//! the rules (issue 19): a pass the worker runs, one transaction per case,
//! that finds nothing to do once every measure in force has one.

use chrono::{DateTime, Utc};
use domain::deadline::DeadlineKind;
use domain::workflow::{CaseStatus, Context, MeasureStatus};
use sea_orm::ConnectionTrait;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use serde_json::json;
use uuid::Uuid;

use crate::case_store;
use crate::connection::Database;
use crate::effects::Actor;
use crate::entities::{cases, deadlines, measures};
use crate::error::DbResult;

impl Database {
    /// Gives every measure in force without a review deadline one, case by
    /// case; returns how many cases were scheduled.
    pub async fn schedule_missing_reviews(&self, at: DateTime<Utc>) -> DbResult<usize> {
        let ids = cases_missing_reviews(self.connection()).await?;
        let mut scheduled = 0;
        for id in ids {
            if self.schedule_reviews_of(id, at).await? {
                scheduled += 1;
            }
        }
        Ok(scheduled)
    }

    async fn schedule_reviews_of(&self, case_id: Uuid, at: DateTime<Utc>) -> DbResult<bool> {
        let tx = self.write_transaction().await?;
        let loaded = case_store::load(&tx, case_id).await?;
        let (calendar, rules, policies) = self.rules_in(&tx).await?;
        let ctx = Context { calendar: &calendar, rules: &rules };
        let Some(transition) = loaded.case.schedule_missing_reviews(&ctx)? else {
            tx.rollback().await?;
            return Ok(false);
        };
        let deadline_ids = case_store::save(&tx, &loaded, &transition.case, at).await?;
        let payload = json!({ "rules": "MEASURE_REVIEW" });
        let rules = (&calendar, &policies);
        let events = self
            .record_transition(&tx, &loaded, &transition, &deadline_ids, rules, payload, at, &Actor::system())
            .await?;
        self.commit_announcing(tx, events).await?;
        Ok(true)
    }
}

/// Open cases with a measure in force that has no review deadline.
async fn cases_missing_reviews(conn: &impl ConnectionTrait) -> DbResult<Vec<Uuid>> {
    let review = Query::select()
        .expr(Expr::val(1))
        .from(deadlines::Entity)
        .and_where(
            Expr::col((deadlines::Entity, deadlines::Column::CaseId))
                .equals((measures::Entity, measures::Column::CaseId)),
        )
        .and_where(
            Expr::col((deadlines::Entity, deadlines::Column::MeasureNo))
                .equals((measures::Entity, measures::Column::MeasureNo)),
        )
        .and_where(Expr::col((deadlines::Entity, deadlines::Column::Kind)).eq(DeadlineKind::MeasureReview.code()))
        .to_owned();
    let select = Query::select()
        .distinct()
        .column((measures::Entity, measures::Column::CaseId))
        .from(measures::Entity)
        .inner_join(
            cases::Entity,
            Expr::col((cases::Entity, cases::Column::Id)).equals((measures::Entity, measures::Column::CaseId)),
        )
        .and_where(Expr::col((cases::Entity, cases::Column::Status)).ne(CaseStatus::Archived.code()))
        .and_where(
            Expr::col((measures::Entity, measures::Column::Status))
                .is_not_in([MeasureStatus::NotFeasible.code(), MeasureStatus::Lifted.code()]),
        )
        .and_where(Expr::exists(review).not())
        .to_owned();
    let rows = conn.query_all(&select).await?;
    rows.iter().map(|row| Ok(row.try_get::<Uuid>("", "case_id")?)).collect()
}

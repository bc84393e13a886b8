//! Relay's object identification: the `Node` interface (every object with
//! a global `id`) and `node(id:)`, which finds one by its id with the same
//! rights as its own query (`case`, `measure`). Ids are UUIDs, unique
//! across kinds, so an id names one object whatever its type.

use async_graphql::{Context, ID, Interface, Object};

use crate::authz::{Operation, Target};
use crate::cases::CaseView;
use crate::context::{authorize, authorize_unmetered, db};
use crate::error::{ApiError, ApiResult};
use crate::measures::{MeasureView, authorized_measure};

/// An object with a global id (Relay): fetch it again with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "The object's id, unique across every kind of object."))]
pub(crate) enum Node {
    Case(CaseView),
    Measure(MeasureView),
}

#[derive(Default)]
pub(crate) struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The case or measure with this id, for whoever may read it through
    /// `case` (officers and supervisors) or `measure` (also coordinators, for
    /// their sector's); null when there is none.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as `Case.id` or `Measure.id` gives it.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        authorize(ctx, Operation::Node, Target::Nothing)?;
        let uuid = crate::inputs::id("id", &id)?;
        // Only those who may read cases learn whether an id is one: a
        // coordinator's answer must not tell a case id from a random one.
        if authorize_unmetered(ctx, Operation::Case, Target::Nothing).is_ok() {
            match db(ctx).case_record(uuid).await {
                Ok(case) => return Ok(Some(Node::Case(CaseView(case)))),
                Err(db::DbError::CaseNotFound) => {}
                Err(error) => return Err(error.into()),
            }
        }
        match authorized_measure(ctx, Operation::Measure, "id", &id).await {
            Ok(measure) => Ok(Some(Node::Measure(MeasureView(measure)))),
            Err(ApiError::NotFound(_)) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

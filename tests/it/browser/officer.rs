//! What the DGDH's officer does and sees through the API while the browser
//! files and follows a request.

use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::TestApp;

pub(crate) struct Officer<'a> {
    app: &'a TestApp,
    token: String,
}

impl<'a> Officer<'a> {
    pub(crate) async fn new(app: &'a TestApp) -> Self {
        let token = app.staff(Role::Officer, "oficial@dgdh.gob.pe", None).await;
        Self { app, token }
    }

    pub(crate) async fn ask(&self, query: &str, variables: Value) -> Value {
        let body = self.app.graphql_as(Some(&self.token), query, variables).await;
        assert!(body["errors"].is_null(), "{query}: {body}");
        body["data"].clone()
    }

    /// Every case in the registry.
    pub(crate) async fn cases_filed(&self) -> u64 {
        self.ask("{ cases { totalCount } }", json!({})).await["cases"]["totalCount"].as_u64().unwrap()
    }

    pub(crate) async fn case_id(&self, file_number: &str) -> String {
        let found = self
            .ask(
                "query($f: String!) { cases(filter: { fileNumber: $f }) { edges { node { id } } } }",
                json!({ "f": file_number }),
            )
            .await;
        found["cases"]["edges"][0]["node"]["id"].as_str().unwrap_or_else(|| panic!("no case {file_number}")).to_owned()
    }

    /// Takes the case, starts reviewing it and asks the requester
    /// `question` (the procedure's request for information).
    pub(crate) async fn request_information(&self, file_number: &str, question: &str) {
        let case = self.case_id(file_number).await;
        let me = self.ask("{ me { id } }", json!({})).await["me"]["id"].clone();
        self.ask(
            "mutation($c: ID!, $o: ID!) { assignCase(caseId: $c, officerId: $o) { status } }",
            json!({ "c": case, "o": me }),
        )
        .await;
        self.ask("mutation($c: ID!) { startReview(caseId: $c) { status } }", json!({ "c": case })).await;
        let asked = self
            .ask(
                "mutation($c: ID!, $q: String!) { requestInformation(caseId: $c, question: $q) { status } }",
                json!({ "c": case, "q": question }),
            )
            .await;
        assert_eq!(asked["requestInformation"]["status"], "INFORMATION_REQUESTED");
    }

    /// The case as the officer reads it: status, the request's details,
    /// the history with what was said.
    pub(crate) async fn case(&self, file_number: &str) -> Value {
        let id = self.case_id(file_number).await;
        let case = self
            .ask(
                "query($id: ID!) { case(id: $id) { fileNumber status channel department consentWithdrawnOn
                   request {
                     thirdParty { name relationship relationshipDetail organisation }
                     contact { phone email instructions }
                     beneficiaries { name collective documentKind documentNumber gender approximateMembers }
                     place { ubigeo detail }
                     defenderCategory aggressionTypes aggressorType language interpreterNeeded
                     consent { status reason } facts evidence { description reference }
                     requestedMeasures { measureType description }
                   }
                   history { action note } } }",
                json!({ "id": id }),
            )
            .await;
        case["case"].clone()
    }
}

/// The note of the history's entry `action` (the last one).
pub(crate) fn note_of(case: &Value, action: &str) -> Option<String> {
    case["history"]
        .as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["action"] == action)
        .map(|e| e["note"].as_str().unwrap_or("").to_owned())
}

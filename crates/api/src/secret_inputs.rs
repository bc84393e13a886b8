//! Test: every argument and input field that carries personal data or a
//! credential is marked secret, so anything that prints an operation (a
//! logging or tracing extension, a slow-query log) prints `"<secret>"` in
//! its place. Operations are parsed and printed through an extension, as
//! such tools do, and stopped before they run.

use std::sync::{Arc, Mutex};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{ServerError, ServerResult, Variables};

/// Prints each operation as a logging extension would, then stops it.
struct Printer(Arc<Mutex<Vec<String>>>);

impl ExtensionFactory for Printer {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(Printer(Arc::clone(&self.0)))
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for Printer {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        self.0.lock().unwrap().push(ctx.stringify_execute_doc(&document, variables));
        Err(ServerError::new("printed", None))
    }
}

/// Each operation with personal data in every free-text place, written
/// inline (variables are never printed, inline values are).
const OPERATIONS: &[&str] = &[
    r#"mutation { submitRequest(input: {
        idempotencyKey: "SECRETO-idem-0000000000", thirdParty: { name: "SECRETO", relationship: FAMILY,
          relationshipDetail: "SECRETO", organisation: "SECRETO" },
        contact: { email: "secreto@example.pe", phone: "SECRETO", instructions: "SECRETO" },
        beneficiaries: [{ name: "SECRETO", documentKind: DNI, documentNumber: "SECRETO", ethnicity: "SECRETO",
          health: "SECRETO" }],
        place: { ubigeo: "250101", detail: "SECRETO" }, defenderCategory: INDIGENOUS,
        defenderCategoryDetail: "SECRETO", aggressionTypes: [THREAT], language: OTHER, languageDetail: "SECRETO",
        consent: { status: UNABLE, reason: "SECRETO" }, facts: "SECRETO",
        evidence: [{ description: "SECRETO", reference: "SECRETO" }], requestedMeasures: [{ description: "SECRETO" }]
      }) { fileNumber } }"#,
    r#"{ myRequest(fileNumber: "2026-000001", accessKey: "SECRETO") { status } }"#,
    r#"mutation { answerInformationRequest(fileNumber: "2026-000001", accessKey: "SECRETO", answer: "SECRETO") { status } }"#,
    r#"mutation { addEvidence(fileNumber: "2026-000001", accessKey: "SECRETO",
        evidence: { description: "SECRETO", reference: "SECRETO" }) { status } }"#,
    r#"mutation { withdrawConsent(fileNumber: "2026-000001", accessKey: "SECRETO", reason: "SECRETO") { status } }"#,
    r#"mutation { login(email: "secreto@example.pe", password: "SECRETO", secondFactor: "SECRETO") { token } }"#,
    r#"mutation { requestInformation(caseId: "c", question: "SECRETO") { status } }"#,
    r#"mutation { evaluateAdmissibility(caseId: "c", input: { outcome: ADMIT, overrideReason: "SECRETO",
        reasons: "SECRETO", criteria: [{ criterion: CONSENT, met: false, note: "SECRETO" }] }) { status } }"#,
    r#"mutation { assessRisk(caseId: "c", input: { track: URGENT, level: HIGH, summary: "SECRETO" }) { status } }"#,
    r#"mutation { issueResolution(caseId: "c", input: { act: { number: "RD 1", date: "2026-07-13" },
        granted: [{ measureType: "POLICE_PROTECTION", details: "SECRETO" }],
        denied: [{ description: "SECRETO", reason: "SECRETO" }] }) { status } }"#,
    r#"mutation { modifyMeasure(measureId: "m", act: { number: "RD 2", date: "2026-07-13" }, details: "SECRETO") { status } }"#,
    r#"mutation { liftMeasure(measureId: "m", act: { number: "RD 3", date: "2026-07-13" }, reason: "SECRETO") { status } }"#,
    r#"mutation { archiveCase(caseId: "c", reason: CONCLUDED, note: "SECRETO") { status } }"#,
    r#"mutation { reportMeasureProgress(id: "m", report: "SECRETO") { status } }"#,
    r#"mutation { reportMeasureImplemented(id: "m", report: "SECRETO") { status } }"#,
    r#"mutation { reportMeasureNotFeasible(id: "m", reason: "SECRETO") { status } }"#,
    r#"mutation { beginSecondFactor(password: "SECRETO") { uri } }"#,
    r#"mutation { confirmSecondFactor(code: "SECRETO") }"#,
    r#"mutation { disableSecondFactor(password: "SECRETO", code: "SECRETO") }"#,
];

#[tokio::test]
async fn personal_data_is_printed_as_secret() {
    let printed = Arc::new(Mutex::new(Vec::new()));
    let schema = crate::builder().extension(Printer(Arc::clone(&printed))).finish();
    for operation in OPERATIONS {
        let response = schema.execute(*operation).await;
        assert_eq!(response.errors.first().map(|e| e.message.as_str()), Some("printed"), "{operation}");
    }
    let printed = printed.lock().unwrap();
    assert_eq!(printed.len(), OPERATIONS.len());
    for text in printed.iter() {
        assert!(text.contains("<secret>"), "nothing was masked in {text}");
        assert!(!text.to_uppercase().contains("SECRETO"), "personal data printed: {text}");
    }
}

//! The authorization matrix: every operation of the schema, run over HTTP
//! by every kind of caller, on their own object and on someone else's,
//! gives exactly the allow or deny the specification below says. The
//! specification is written here, independently of `api::authz`; an
//! operation the schema gains without a line here fails the test.

use std::collections::BTreeMap;

use db::Database;
use domain::roles::Role;
use serde_json::{Value, json};

use crate::app::TestApp;
use crate::live_client::LiveClient;
use crate::procedure::{grant_two_measures, request_input};
use crate::support::on_both_databases;

on_both_databases!(every_operation_for_every_caller);

/// Who calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Caller {
    Anonymous,
    Officer,
    Supervisor,
    /// Coordinator of MININTER; "own" measures are MININTER's.
    Coordinator,
    Admin,
    Auditor,
}

const CALLERS: [Caller; 6] =
    [Caller::Anonymous, Caller::Officer, Caller::Supervisor, Caller::Coordinator, Caller::Admin, Caller::Auditor];

/// On whose object the operation runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Own,
    Other,
}

/// Who may run an operation.
#[derive(Debug, Clone, Copy)]
enum Rule {
    Everyone,
    /// Anyone holding the file's access key; nobody with another file's.
    KeyHolder,
    Staff,
    Officers,
    /// Officers and supervisors on anything; coordinators on their sector's.
    OfficersOrOwnSector,
    /// Only the coordinator of the measure's sector.
    OwnSectorCoordinator,
    /// Officers, supervisors and coordinators (each sees their own scope).
    OfficersOrCoordinators,
    Admins,
    Auditors,
    /// Officers, supervisors, coordinators and auditors: the registry's figures.
    Registry,
    /// Supervisors and auditors: the anonymised case-level export.
    SupervisorsAndAuditors,
    /// Apps with an intake token only (none of the callers here; tested in
    /// `openrosa`).
    Apps,
}

impl Rule {
    fn allows(self, caller: Caller, scope: Scope) -> bool {
        use Caller as C;
        match self {
            Rule::Everyone => true,
            Rule::KeyHolder => scope == Scope::Own,
            Rule::Staff => caller != C::Anonymous,
            Rule::Officers => matches!(caller, C::Officer | C::Supervisor),
            Rule::OfficersOrOwnSector => {
                matches!(caller, C::Officer | C::Supervisor) || (caller == C::Coordinator && scope == Scope::Own)
            }
            Rule::OwnSectorCoordinator => caller == C::Coordinator && scope == Scope::Own,
            Rule::OfficersOrCoordinators => matches!(caller, C::Officer | C::Supervisor | C::Coordinator),
            Rule::Admins => caller == C::Admin,
            Rule::Auditors => caller == C::Auditor,
            Rule::Registry => matches!(caller, C::Officer | C::Supervisor | C::Coordinator | C::Auditor),
            Rule::SupervisorsAndAuditors => matches!(caller, C::Supervisor | C::Auditor),
            Rule::Apps => false,
        }
    }
}

/// The objects operations run on.
struct Fixture {
    case: String,
    /// A MININTER measure ("own" for the coordinator) and a MINJUSDH one.
    own_measure: String,
    other_measure: String,
    file: String,
    key: String,
    other_file: String,
    /// The other file's case: a new access key is issued on it, so the own
    /// file's key keeps working for the rest of the matrix.
    other_case: String,
    officer_id: String,
    user_id: String,
}

/// Every operation: its rule, and the document and variables to run it with
/// on the own or the other object.
fn operations(f: &Fixture, scope: Scope) -> BTreeMap<&'static str, (Rule, &'static str, Value)> {
    let measure = match scope {
        Scope::Own => f.own_measure.clone(),
        Scope::Other => f.other_measure.clone(),
    };
    let file = match scope {
        Scope::Own => f.file.clone(),
        Scope::Other => f.other_file.clone(),
    };
    let sector = match scope {
        Scope::Own => "MININTER",
        Scope::Other => "MINJUSDH",
    };
    let act = json!({ "number": "RD 1", "date": "2026-03-04" });
    // The fixture's meeting agreed 1 for MININTER and 2 for MINJUSDH.
    let agreement = match scope {
        Scope::Own => 1,
        Scope::Other => 2,
    };
    let incident = json!({ "occurredOn": "2026-03-04", "description": "Otra amenaza", "aggressionTypes": ["THREAT"] });
    let key = format!("matrix-{}-{:?}", uuid::Uuid::new_v4(), scope);
    let entries: Vec<(&'static str, Rule, &'static str, Value)> = vec![
        ("departments", Rule::Everyone, "{ departments { code } }", json!({})),
        ("sectors", Rule::Everyone, "{ sectors { code } }", json!({})),
        ("measureTypes", Rule::Everyone, "{ measureTypes { code } }", json!({})),
        ("dueDate", Rule::Everyone, "{ dueDate(from: \"2026-03-02\", workingDays: 5) { due } }", json!({})),
        (
            "submitRequest",
            Rule::Everyone,
            "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber } }",
            json!({ "i": request_input(&key) }),
        ),
        (
            "myRequest",
            Rule::KeyHolder,
            "query($f: String!, $k: String!) { myRequest(fileNumber: $f, accessKey: $k) { status } }",
            json!({ "f": file, "k": f.key }),
        ),
        (
            "answerInformationRequest",
            Rule::KeyHolder,
            "mutation($f: String!, $k: String!) { answerInformationRequest(fileNumber: $f, accessKey: $k, answer: \"Respuesta\") { status } }",
            json!({ "f": file, "k": f.key }),
        ),
        (
            "addEvidence",
            Rule::KeyHolder,
            "mutation($f: String!, $k: String!) { addEvidence(fileNumber: $f, accessKey: $k, evidence: { description: \"Foto\" }) { status } }",
            json!({ "f": file, "k": f.key }),
        ),
        (
            "startEvidenceUpload",
            Rule::KeyHolder,
            "mutation($f: String!, $k: String!) { startEvidenceUpload(fileNumber: $f, accessKey: $k, size: 10) { uploadId } }",
            json!({ "f": file, "k": f.key }),
        ),
        // An upload's id is the right to go on with it: an unknown one is
        // NOT_FOUND for everyone, never a denial.
        (
            "appendEvidence",
            Rule::Everyone,
            "mutation($u: ID!, $file: Upload!) { appendEvidence(uploadId: $u, offset: 0, chunk: $file) { nextOffset } }",
            json!({ "u": uuid::Uuid::new_v4().to_string() }),
        ),
        (
            "evidenceUpload",
            Rule::Everyone,
            "query($u: ID!) { evidenceUpload(uploadId: $u) { nextOffset } }",
            json!({ "u": uuid::Uuid::new_v4().to_string() }),
        ),
        (
            "finishEvidenceUpload",
            Rule::Everyone,
            "mutation($u: ID!) { finishEvidenceUpload(uploadId: $u, evidence: { description: \"Foto\" }) { number } }",
            json!({ "u": uuid::Uuid::new_v4().to_string() }),
        ),
        (
            "withdrawConsent",
            Rule::KeyHolder,
            "mutation($f: String!, $k: String!) { withdrawConsent(fileNumber: $f, accessKey: $k) { status } }",
            json!({ "f": file, "k": f.key }),
        ),
        (
            "reportIncident",
            Rule::KeyHolder,
            "mutation($f: String!, $k: String!, $i: IncidentInput!) { reportIncident(fileNumber: $f, accessKey: $k, incident: $i) { status } }",
            json!({ "f": file, "k": f.key, "i": incident }),
        ),
        (
            "login",
            Rule::Everyone,
            "mutation($p: String!) { login(email: \"auditor@dgdh.gob.pe\", password: $p) { token } }",
            json!({ "p": crate::app::PASSWORD }),
        ),
        ("me", Rule::Staff, "{ me { role } }", json!({})),
        (
            "statistics",
            Rule::Registry,
            "{ statistics(from: \"2026-01-01\", to: \"2026-12-31\") { received { display } } }",
            json!({}),
        ),
        (
            "anonymisedCases",
            Rule::SupervisorsAndAuditors,
            "{ anonymisedCases(from: \"2026-01-01\", to: \"2026-12-31\") { threshold } }",
            json!({}),
        ),
        (
            "beginSecondFactor",
            Rule::Staff,
            "mutation($p: String!) { beginSecondFactor(password: $p) { uri } }",
            json!({ "p": crate::app::PASSWORD }),
        ),
        ("confirmSecondFactor", Rule::Staff, "mutation { confirmSecondFactor(code: \"000000\") }", json!({})),
        (
            "disableSecondFactor",
            Rule::Staff,
            "mutation($p: String!) { disableSecondFactor(password: $p, code: \"000000\") }",
            json!({ "p": crate::app::PASSWORD }),
        ),
        ("logout", Rule::Staff, "mutation { logout }", json!({})),
        (
            "registerRequest",
            Rule::Officers,
            "mutation($i: RequestInput!) { registerRequest(channel: PHONE, input: $i) { fileNumber } }",
            json!({ "i": request_input(&format!("{key}-phone")) }),
        ),
        ("intakeTokens", Rule::Admins, "{ intakeTokens { name } }", json!({})),
        (
            "issueIntakeToken",
            Rule::Admins,
            "mutation { issueIntakeToken(name: \"Federación\", app: ODK_COLLECT) { secret } }",
            json!({}),
        ),
        (
            "revokeIntakeToken",
            Rule::Admins,
            "mutation($t: ID!) { revokeIntakeToken(id: $t) { name } }",
            json!({ "t": uuid::Uuid::new_v4().to_string() }),
        ),
        ("rotateIntakeFormKey", Rule::Admins, "mutation { rotateIntakeFormKey }", json!({})),
        ("intakeForm", Rule::Apps, "{ intakeForm { version } }", json!({})),
        (
            "submitAppInstance",
            Rule::Apps,
            "mutation { submitAppInstance(instance: \"<data/>\") { fileNumber } }",
            json!({}),
        ),
        (
            "issueAccessKey",
            Rule::Officers,
            "mutation($c: ID!) { issueAccessKey(caseId: $c) }",
            json!({ "c": f.other_case }),
        ),
        (
            "startCaseEvidenceUpload",
            Rule::Officers,
            "mutation($c: ID!) { startCaseEvidenceUpload(caseId: $c, size: 10) { uploadId } }",
            json!({ "c": f.case }),
        ),
        (
            "attachEvidence",
            Rule::Officers,
            "mutation($c: ID!, $file: Upload!) { attachEvidence(caseId: $c, evidence: { description: \"Foto\" }, file: $file) { number } }",
            json!({ "c": f.case }),
        ),
        (
            "evidenceFile",
            Rule::Officers,
            "query($e: ID!) { evidenceFile(id: $e) { sha256 } }",
            json!({ "e": uuid::Uuid::new_v4().to_string() }),
        ),
        ("case", Rule::Officers, "query($c: ID!) { case(id: $c) { request { facts } } }", json!({ "c": f.case })),
        ("cases", Rule::Officers, "{ cases { edges { node { fileNumber } } } }", json!({})),
        ("officers", Rule::Officers, "{ officers { id } }", json!({})),
        (
            "assignCase",
            Rule::Officers,
            "mutation($c: ID!, $o: ID!) { assignCase(caseId: $c, officerId: $o) { status } }",
            json!({ "c": f.case, "o": f.officer_id }),
        ),
        (
            "startReview",
            Rule::Officers,
            "mutation($c: ID!) { startReview(caseId: $c) { status } }",
            json!({ "c": f.case }),
        ),
        (
            "evaluateAdmissibility",
            Rule::Officers,
            "mutation($c: ID!) { evaluateAdmissibility(caseId: $c, input: { criteria: [], outcome: ADMIT }) { status } }",
            json!({ "c": f.case }),
        ),
        (
            "requestInformation",
            Rule::Officers,
            "mutation($c: ID!) { requestInformation(caseId: $c, question: \"¿?\") { status } }",
            json!({ "c": f.case }),
        ),
        (
            "closeInformationPeriod",
            Rule::Officers,
            "mutation($c: ID!) { closeInformationPeriod(caseId: $c) { status } }",
            json!({ "c": f.case }),
        ),
        (
            "assessRisk",
            Rule::Officers,
            "mutation($c: ID!) { assessRisk(caseId: $c, input: { track: URGENT, level: HIGH, summary: \"Riesgo\" }) { status } }",
            json!({ "c": f.case }),
        ),
        (
            "issueResolution",
            Rule::Officers,
            "mutation($c: ID!, $a: ActInput!) { issueResolution(caseId: $c, input: { act: $a, granted: [{ measureType: \"LEGAL_AID\" }] }) { status } }",
            json!({ "c": f.case, "a": act }),
        ),
        (
            "notifyMeasure",
            Rule::Officers,
            "mutation($m: ID!) { notifyMeasure(measureId: $m) { status } }",
            json!({ "m": measure }),
        ),
        (
            "modifyMeasure",
            Rule::Officers,
            "mutation($m: ID!, $a: ActInput!) { modifyMeasure(measureId: $m, act: $a, details: \"Cambio\") { status } }",
            json!({ "m": measure, "a": act }),
        ),
        (
            "extendMeasure",
            Rule::Officers,
            "mutation($m: ID!, $a: ActInput!) { extendMeasure(measureId: $m, act: $a, until: \"2027-01-01\") { status } }",
            json!({ "m": measure, "a": act }),
        ),
        (
            "renewMeasure",
            Rule::Officers,
            "mutation($m: ID!, $a: ActInput!) { renewMeasure(measureId: $m, act: $a) { status } }",
            json!({ "m": measure, "a": act }),
        ),
        (
            "reportCaseIncident",
            Rule::Officers,
            "mutation($c: ID!, $i: IncidentInput!) { reportCaseIncident(caseId: $c, incident: $i) { id } }",
            json!({ "c": f.case, "i": incident }),
        ),
        (
            "setProtectionPlanGoal",
            Rule::Officers,
            "mutation($c: ID!) { setProtectionPlanGoal(caseId: $c, goal: \"Que siga en su comunidad\") { id } }",
            json!({ "c": f.case }),
        ),
        (
            "verifyMeasure",
            Rule::Officers,
            "mutation($m: ID!) { verifyMeasure(measureId: $m, verified: true, note: \"Visita\") { status } }",
            json!({ "m": measure }),
        ),
        (
            "recordMeeting",
            Rule::Officers,
            "mutation($i: MeetingInput!) { recordMeeting(input: $i) { id } }",
            json!({ "i": { "heldOn": "2026-03-02", "sectors": ["MININTER"], "cases": [f.case] } }),
        ),
        ("meetings", Rule::OfficersOrCoordinators, "{ meetings { id agreements { number text } } }", json!({})),
        (
            "reportAgreementDone",
            Rule::OwnSectorCoordinator,
            "mutation($c: ID!, $n: Int!) { reportAgreementDone(caseId: $c, agreementNumber: $n) { doneOn } }",
            json!({ "c": f.case, "n": agreement }),
        ),
        (
            "recordComplaint",
            Rule::Officers,
            "mutation($c: ID!, $i: ComplaintInput!) { recordComplaint(caseId: $c, input: $i) { id } }",
            json!({ "c": f.case, "i": { "filedOn": "2026-03-04", "office": "Fiscalía Provincial Penal", "fileNumber": "CF 1-2026" } }),
        ),
        (
            "updateComplaint",
            Rule::Officers,
            "mutation($c: ID!, $i: ComplaintUpdateInput!) { updateComplaint(caseId: $c, input: $i) { id } }",
            json!({ "c": f.case, "i": { "complaintNumber": 1, "status": "DISMISSED", "on": "2026-03-04" } }),
        ),
        (
            "liftMeasure",
            Rule::Officers,
            "mutation($m: ID!, $a: ActInput!) { liftMeasure(measureId: $m, act: $a, reason: \"Fin\") { status } }",
            json!({ "m": measure, "a": act }),
        ),
        (
            "archiveCase",
            Rule::Officers,
            "mutation($c: ID!) { archiveCase(caseId: $c, reason: CONCLUDED) { status } }",
            json!({ "c": f.case }),
        ),
        (
            "measures",
            Rule::OfficersOrOwnSector,
            "query($s: String!) { measures(filter: { sector: $s }) { edges { node { id } } } }",
            json!({ "s": sector }),
        ),
        (
            "measure",
            Rule::OfficersOrOwnSector,
            "query($m: ID!) { measure(id: $m) { status case { beneficiaries } } }",
            json!({ "m": measure }),
        ),
        (
            "node",
            Rule::OfficersOrOwnSector,
            "query($m: ID!) { node(id: $m) { id ... on Measure { status } } }",
            json!({ "m": measure }),
        ),
        (
            "acknowledgeMeasure",
            Rule::OwnSectorCoordinator,
            "mutation($m: ID!) { acknowledgeMeasure(measureId: $m) { status } }",
            json!({ "m": measure }),
        ),
        (
            "reportMeasureProgress",
            Rule::OwnSectorCoordinator,
            "mutation($m: ID!) { reportMeasureProgress(measureId: $m, report: \"Avance\") { status } }",
            json!({ "m": measure }),
        ),
        (
            "reportMeasureImplemented",
            Rule::OwnSectorCoordinator,
            "mutation($m: ID!) { reportMeasureImplemented(measureId: $m) { status } }",
            json!({ "m": measure }),
        ),
        (
            "reportMeasureNotFeasible",
            Rule::OwnSectorCoordinator,
            "mutation($m: ID!) { reportMeasureNotFeasible(measureId: $m, reason: \"No\") { status } }",
            json!({ "m": measure }),
        ),
        ("users", Rule::Admins, "{ users { email } }", json!({})),
        (
            "createUser",
            Rule::Admins,
            "mutation($e: String!) { createUser(input: { email: $e, displayName: \"Nueva\", role: OFFICER, password: \"una clave bien larga\" }) { id } }",
            json!({ "e": format!("{key}@example.pe") }),
        ),
        (
            "updateUser",
            Rule::Admins,
            "mutation($u: ID!) { updateUser(userId: $u, input: { displayName: \"Otro nombre\" }) { id } }",
            json!({ "u": f.user_id }),
        ),
        (
            "saveSector",
            Rule::Admins,
            "mutation { saveSector(code: \"MINSA\", name: \"Ministerio de Salud\", active: true) { code } }",
            json!({}),
        ),
        (
            "saveMeasureType",
            Rule::Admins,
            "mutation { saveMeasureType(code: \"SHELTER\", name: \"Albergue temporal\", kind: URGENT, defaultSector: \"MIMP\", active: true) { code } }",
            json!({}),
        ),
        ("auditTrail", Rule::Auditors, "{ auditTrail { edges { node { action } } } }", json!({})),
        ("auditChain", Rule::Auditors, "{ auditChain { intact entries } }", json!({})),
        (
            "dueSoon",
            Rule::OfficersOrCoordinators,
            "{ dueSoon(workingDays: 10) { edges { node { fileNumber } } } }",
            json!({}),
        ),
        ("overdue", Rule::OfficersOrCoordinators, "{ overdue { edges { node { fileNumber } } } }", json!({})),
        (
            "compliance",
            Rule::OfficersOrCoordinators,
            "{ compliance(from: \"2026-01-01\", to: \"2026-12-31\") { kind metOnTime } }",
            json!({}),
        ),
        ("calendar", Rule::Everyone, "{ calendar { version nonWorkingDays { id } } }", json!({})),
        ("deadlineRules", Rule::Staff, "{ deadlineRules { kind workingDays } }", json!({})),
        ("reminderPolicies", Rule::Staff, "{ reminderPolicies { track beforeDue } }", json!({})),
        ("deadLetters", Rule::Admins, "{ deadLetters { id lastError } }", json!({})),
        (
            "addNonWorkingDay",
            Rule::Admins,
            "mutation { addNonWorkingDay(date: \"2030-01-02\", legalBasis: \"DS de prueba\") { version } }",
            json!({}),
        ),
        (
            "removeNonWorkingDay",
            Rule::Admins,
            "mutation { removeNonWorkingDay(nonWorkingDayId: \"999999\") { version } }",
            json!({}),
        ),
        (
            "addSuspensionPeriod",
            Rule::Admins,
            "mutation { addSuspensionPeriod(firstDay: \"2031-01-06\", lastDay: \"2031-01-07\", legalBasis: \"DS de prueba\") { version } }",
            json!({}),
        ),
        (
            "removeSuspensionPeriod",
            Rule::Admins,
            "mutation { removeSuspensionPeriod(suspensionPeriodId: \"999999\") { version } }",
            json!({}),
        ),
        (
            "saveDeadlineRule",
            Rule::Admins,
            "mutation { saveDeadlineRule(kind: DECISION, track: ORDINARY, workingDays: 30, startEvent: ADMISSION) { workingDays } }",
            json!({}),
        ),
        (
            "saveReminderPolicy",
            Rule::Admins,
            "mutation { saveReminderPolicy(track: ORDINARY, beforeDue: [5, 2, 1, 0], overdueEveryWorkingDay: true) { track } }",
            json!({}),
        ),
        // Subscriptions, over WebSocket.
        ("caseEvents", Rule::Officers, "subscription { caseEvents { kind } }", json!({})),
        (
            "measureEvents",
            Rule::OfficersOrOwnSector,
            "subscription($s: String) { measureEvents(sector: $s) { kind } }",
            json!({ "s": sector }),
        ),
        (
            "requestStatusChanges",
            Rule::KeyHolder,
            "subscription($f: String!, $k: String!) { requestStatusChanges(fileNumber: $f, accessKey: $k) { status } }",
            json!({ "f": file, "k": f.key }),
        ),
    ];
    entries.into_iter().map(|(field, rule, document, variables)| (field, (rule, document, variables))).collect()
}

/// A denial is UNAUTHENTICATED (anonymous) or FORBIDDEN; anything else
/// (data, or an error about the input or the case's state) got past
/// authorization.
fn denied(body: &Value) -> bool {
    body["errors"].as_array().is_some_and(|errors| {
        errors.iter().any(|e| matches!(e["extensions"]["code"].as_str(), Some("UNAUTHENTICATED" | "FORBIDDEN")))
    })
}

async fn every_operation_for_every_caller(db: Database) {
    let app = TestApp::spawn(db).await;
    let mut tokens = BTreeMap::new();
    let mut emails = BTreeMap::new();
    for (caller, role, email, sector) in [
        (Caller::Officer, Role::Officer, "oficial@dgdh.gob.pe", None),
        (Caller::Supervisor, Role::Supervisor, "supervisora@dgdh.gob.pe", None),
        (Caller::Coordinator, Role::Coordinator, "coordinador@mininter.gob.pe", Some("MININTER")),
        (Caller::Admin, Role::Admin, "admin@dgdh.gob.pe", None),
        (Caller::Auditor, Role::Auditor, "auditor@dgdh.gob.pe", None),
    ] {
        tokens.insert(caller, app.staff(role, email, sector).await);
        emails.insert(caller, email);
    }
    let fixture = fixture(&app, &tokens[&Caller::Officer]).await;

    let fields = api::operation_fields().await;
    let specified = operations(&fixture, Scope::Own);
    let mut unspecified: Vec<&String> = fields.iter().filter(|f| !specified.contains_key(f.as_str())).collect();
    unspecified.sort();
    assert!(unspecified.is_empty(), "operations without a line in the matrix: {unspecified:?}");
    assert_eq!(specified.len(), fields.len(), "the matrix names operations the schema no longer has");

    let mut mismatches = Vec::new();
    let mut checked = 0;
    // Logging out ends the session the rest of the matrix uses: last.
    let order = fields.iter().filter(|f| *f != "logout").chain(fields.iter().filter(|f| *f == "logout"));
    for field in order {
        for scope in [Scope::Own, Scope::Other] {
            let operations = operations(&fixture, scope);
            let (rule, document, variables) = &operations[field.as_str()];
            for caller in CALLERS {
                // Each logout ends its session: it gets a session of its own.
                if field == "logout"
                    && let Some(email) = emails.get(&caller)
                {
                    tokens.insert(caller, app.login(email, crate::app::PASSWORD).await);
                }
                let token = tokens.get(&caller).map(String::as_str);
                let (refused, said) = if document.starts_with("subscription") {
                    (LiveClient::denied(&app, token, document, variables.clone()).await, "over WebSocket".to_owned())
                } else if document.contains("Upload!") {
                    // With a file, as the GraphQL multipart spec sends it.
                    let photo = ("foto.jpg", &b"\xFF\xD8\xFF\xE0 una foto"[..]);
                    let (_, body) = app.graphql_with_file(token, document, variables.clone(), "file", photo).await;
                    (denied(&body), body.to_string())
                } else {
                    let body = app.graphql_as(token, document, variables.clone()).await;
                    (denied(&body), body.to_string())
                };
                checked += 1;
                let expected = rule.allows(caller, scope);
                if refused == expected {
                    mismatches
                        .push(format!("{field} {scope:?} by {caller:?}: expected allowed={expected}, got {said}"));
                }
            }
        }
    }
    assert!(mismatches.is_empty(), "{} of {checked} checks disagree:\n{}", mismatches.len(), mismatches.join("\n"));
    assert_eq!(checked, fields.len() * 2 * CALLERS.len());
    eprintln!(
        "matrix: {checked} cells ({} operations × {} callers × 2 scopes), none disagree",
        fields.len(),
        CALLERS.len()
    );
}

/// A case with a resolution whose MININTER and MINJUSDH measures are
/// notified, and a second file for "someone else's" requester operations.
async fn fixture(app: &TestApp, officer: &str) -> Fixture {
    app.set_today("2026-03-02");
    let file = "mutation($i: RequestInput!) { submitRequest(input: $i) { fileNumber accessKey } }";
    let mine = app.graphql(file, json!({ "i": request_input("matrix-own-request-0001") })).await;
    let other = app.graphql(file, json!({ "i": request_input("matrix-other-request-001") })).await;
    let file_number = mine["data"]["submitRequest"]["fileNumber"].as_str().unwrap().to_owned();
    let key = mine["data"]["submitRequest"]["accessKey"].as_str().unwrap().to_owned();
    let other_file = other["data"]["submitRequest"]["fileNumber"].as_str().unwrap().to_owned();

    let case_id = db_case(app, &file_number).await;
    let other_case = db_case(app, &other_file).await;
    grant_two_measures(app, officer, &case_id, "2026-03-02").await;
    let case = app
        .graphql_as(
            Some(officer),
            "query($c: ID!) { case(id: $c) { measures { id sector } } }",
            json!({ "c": case_id }),
        )
        .await;
    let measures = case["data"]["case"]["measures"].as_array().unwrap().clone();
    let measure_of =
        |sector: &str| measures.iter().find(|m| m["sector"] == sector).unwrap()["id"].as_str().unwrap().to_owned();
    let (own_measure, other_measure) = (measure_of("MININTER"), measure_of("MINJUSDH"));
    for measure in [&own_measure, &other_measure] {
        let body = app
            .graphql_as(
                Some(officer),
                "mutation($m: ID!) { notifyMeasure(measureId: $m) { status } }",
                json!({ "m": measure }),
            )
            .await;
        assert!(body["errors"].is_null(), "{body}");
    }
    let agreement = |sector: &str| json!({ "caseId": case_id, "sector": sector, "text": "Acuerdo de prueba" });
    let meeting = app
        .graphql_as(
            Some(officer),
            "mutation($i: MeetingInput!) { recordMeeting(input: $i) { id } }",
            json!({ "i": {
                "heldOn": "2026-03-02",
                "sectors": ["MININTER", "MINJUSDH"],
                "agreements": [agreement("MININTER"), agreement("MINJUSDH")],
            } }),
        )
        .await;
    assert!(meeting["errors"].is_null(), "{meeting}");
    let me = app.graphql_as(Some(officer), "{ me { id } }", json!({})).await;
    let officer_id = me["data"]["me"]["id"].as_str().unwrap().to_owned();
    let auditor = app.db.users().await.unwrap().into_iter().find(|u| u.role == Role::Auditor).unwrap();
    Fixture {
        case: case_id,
        own_measure,
        other_measure,
        file: file_number,
        key,
        other_file,
        other_case,
        officer_id,
        user_id: auditor.id.to_string(),
    }
}

async fn db_case(app: &TestApp, file_number: &str) -> String {
    app.db.find_case_by_file_number(file_number).await.unwrap().to_string()
}

//! Every step of the procedure an officer takes on the case page, as a
//! form: offered only where the case's state (and the measure's) allows
//! it (`domain::workflow::steps`, the list the transitions enforce), its
//! fields named by the API input's path (`calificar.input.criteria[0].note`)
//! so each problem the API finds lands next to its field, and the mutation
//! it runs. Attaching a file of evidence is one of them, the one form
//! posted as `multipart/form-data`.

use chrono::NaiveDate;
use domain::categories::{AggressionType, AggressorType};
use domain::text::{ShortText, TextError};
use domain::workflow::steps::{case_allows, measure_allows};
use domain::workflow::{
    ArchiveReason, AuditAction, CaseStatus, ComplaintStatus, Criterion, MeasureStatus, RiskLevel, Track,
};
use serde_json::{Value, json};

use super::case_view::Data;
use crate::pages::catalogue::{Lang, Text, Tr};
use crate::pages::controls::{Choice, Control, Field, Group, InputKind};
use crate::pages::form_data::FormData;

/// The steps on a case, and on one of its measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    Assign,
    StartReview,
    Admissibility,
    RequestInformation,
    CloseInformationPeriod,
    AssessRisk,
    Resolution,
    Notify,
    Modify,
    Extend,
    Renew,
    Verify,
    Lift,
    ReportIncident,
    SetPlanGoal,
    RecordComplaint,
    UpdateComplaint,
    Archive,
    AttachEvidence,
}

impl Step {
    const ALL: [Step; 19] = [
        Step::Assign,
        Step::StartReview,
        Step::Admissibility,
        Step::RequestInformation,
        Step::CloseInformationPeriod,
        Step::AssessRisk,
        Step::Resolution,
        Step::Notify,
        Step::Modify,
        Step::Extend,
        Step::Renew,
        Step::Verify,
        Step::Lift,
        Step::ReportIncident,
        Step::SetPlanGoal,
        Step::RecordComplaint,
        Step::UpdateComplaint,
        Step::Archive,
        Step::AttachEvidence,
    ];

    /// The `accion` value of its button, and its fields' prefix.
    pub(crate) fn code(self) -> &'static str {
        match self {
            Step::Assign => "asignar",
            Step::StartReview => "iniciar-calificacion",
            Step::Admissibility => "calificar",
            Step::RequestInformation => "pedir-informacion",
            Step::CloseInformationPeriod => "cerrar-plazo-respuesta",
            Step::AssessRisk => "evaluar-riesgo",
            Step::Resolution => "resolver",
            Step::Notify => "notificar",
            Step::Modify => "modificar",
            Step::Extend => "prorrogar",
            Step::Renew => "renovar",
            Step::Verify => "verificar",
            Step::SetPlanGoal => "objetivo-plan",
            Step::Lift => "levantar",
            Step::ReportIncident => "registrar-incidente",
            Step::RecordComplaint => "registrar-denuncia",
            Step::UpdateComplaint => "actualizar-denuncia",
            Step::Archive => "archivar",
            Step::AttachEvidence => "adjuntar-prueba",
        }
    }

    pub(crate) fn parse(code: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.code() == code)
    }

    /// The step of the procedure it is, as the workflow names it.
    fn action(self) -> AuditAction {
        match self {
            Step::Assign => AuditAction::Assigned,
            Step::StartReview => AuditAction::ReviewStarted,
            Step::Admissibility => AuditAction::AdmissibilityEvaluated,
            Step::RequestInformation => AuditAction::InformationRequested,
            Step::CloseInformationPeriod => AuditAction::InformationPeriodClosed,
            Step::AssessRisk => AuditAction::RiskAssessed,
            Step::Resolution => AuditAction::ResolutionIssued,
            Step::Notify => AuditAction::MeasureNotified,
            Step::Modify => AuditAction::MeasureModified,
            Step::Extend => AuditAction::MeasureExtended,
            Step::Renew => AuditAction::MeasureRenewed,
            Step::Verify => AuditAction::MeasureVerified,
            Step::SetPlanGoal => AuditAction::PlanGoalSet,
            Step::Lift => AuditAction::MeasureLifted,
            Step::ReportIncident => AuditAction::IncidentReported,
            Step::RecordComplaint => AuditAction::ComplaintRecorded,
            Step::UpdateComplaint => AuditAction::ComplaintUpdated,
            Step::Archive => AuditAction::Archived,
            Step::AttachEvidence => AuditAction::EvidenceAdded,
        }
    }

    pub(crate) fn is_measure_step(self) -> bool {
        matches!(self, Step::Notify | Step::Modify | Step::Extend | Step::Renew | Step::Verify | Step::Lift)
    }

    /// It sends a file (the variable `file`).
    pub(crate) fn carries_file(self) -> bool {
        self == Step::AttachEvidence
    }

    /// What it does depends on the case as the page showed it, so it is
    /// refused unseen when the history moved since. A file attached does
    /// not: it is never thrown away for someone else's step.
    pub(crate) fn needs_fresh_page(self) -> bool {
        self != Step::AttachEvidence
    }

    /// The mutation it runs; it reads back only the id (the page is drawn
    /// again from the case).
    pub(crate) fn mutation(self) -> &'static str {
        match self {
            Step::Assign => {
                "mutation ConsolaAsignar($caseId: ID!, $officerId: ID!) { assignCase(caseId: $caseId, officerId: $officerId) { id } }"
            }
            Step::StartReview => {
                "mutation ConsolaIniciarCalificacion($caseId: ID!) { startReview(caseId: $caseId) { id } }"
            }
            Step::Admissibility => {
                "mutation ConsolaCalificar($caseId: ID!, $input: AdmissibilityInput!) { evaluateAdmissibility(caseId: $caseId, input: $input) { id } }"
            }
            Step::RequestInformation => {
                "mutation ConsolaPedirInformacion($caseId: ID!, $question: String!) { requestInformation(caseId: $caseId, question: $question) { id } }"
            }
            Step::CloseInformationPeriod => {
                "mutation ConsolaCerrarPlazoRespuesta($caseId: ID!) { closeInformationPeriod(caseId: $caseId) { id } }"
            }
            Step::AssessRisk => {
                "mutation ConsolaEvaluarRiesgo($caseId: ID!, $input: RiskInput!) { assessRisk(caseId: $caseId, input: $input) { id } }"
            }
            Step::Resolution => {
                "mutation ConsolaResolver($caseId: ID!, $input: ResolutionInput!) { issueResolution(caseId: $caseId, input: $input) { id } }"
            }
            Step::Notify => {
                "mutation ConsolaNotificarMedida($measureId: ID!) { notifyMeasure(measureId: $measureId) { id } }"
            }
            Step::Modify => {
                "mutation ConsolaModificarMedida($measureId: ID!, $act: ActInput!, $details: String!) { modifyMeasure(measureId: $measureId, act: $act, details: $details) { id } }"
            }
            Step::Extend => {
                "mutation ConsolaProrrogarMedida($measureId: ID!, $act: ActInput!, $until: Date!) { extendMeasure(measureId: $measureId, act: $act, until: $until) { id } }"
            }
            Step::Renew => {
                "mutation ConsolaRenovarMedida($measureId: ID!, $act: ActInput!) { renewMeasure(measureId: $measureId, act: $act) { id } }"
            }
            Step::Verify => {
                "mutation ConsolaVerificarMedida($measureId: ID!, $verified: Boolean!, $note: String!) { verifyMeasure(measureId: $measureId, verified: $verified, note: $note) { id } }"
            }
            Step::SetPlanGoal => {
                "mutation ConsolaObjetivoPlan($caseId: ID!, $goal: String!) { setProtectionPlanGoal(caseId: $caseId, goal: $goal) { id } }"
            }
            Step::RecordComplaint => {
                "mutation ConsolaRegistrarDenuncia($caseId: ID!, $input: ComplaintInput!) { recordComplaint(caseId: $caseId, input: $input) { id } }"
            }
            Step::UpdateComplaint => {
                "mutation ConsolaActualizarDenuncia($caseId: ID!, $input: ComplaintUpdateInput!) { updateComplaint(caseId: $caseId, input: $input) { id } }"
            }
            Step::ReportIncident => {
                "mutation ConsolaRegistrarIncidente($caseId: ID!, $incident: IncidentInput!) { reportCaseIncident(caseId: $caseId, incident: $incident) { id } }"
            }
            Step::Lift => {
                "mutation ConsolaLevantarMedida($measureId: ID!, $act: ActInput!, $reason: String!) { liftMeasure(measureId: $measureId, act: $act, reason: $reason) { id } }"
            }
            Step::Archive => {
                "mutation ConsolaArchivar($caseId: ID!, $reason: ArchiveReason!, $note: String) { archiveCase(caseId: $caseId, reason: $reason, note: $note) { id } }"
            }
            Step::AttachEvidence => {
                "mutation ConsolaAdjuntarPrueba($caseId: ID!, $evidence: EvidenceInput!, $file: Upload!) { attachEvidence(caseId: $caseId, evidence: $evidence, file: $file) { number } }"
            }
        }
    }
}

/// Resolution rows: measures granted, measures denied.
const GRANTED_ROWS: usize = 4;
const DENIED_ROWS: usize = 2;

/// One step's form on the page.
pub(crate) struct StepForm {
    /// The `accion` value of its button.
    pub(crate) code: &'static str,
    pub(crate) heading: Text,
    pub(crate) groups: Vec<Group>,
    pub(crate) button: Text,
    /// It cannot be undone by the next step (archiving, lifting).
    pub(crate) serious: bool,
    pub(crate) measure_id: Option<String>,
    /// The form's id, for links and `form=` attributes.
    pub(crate) anchor: String,
    /// It sends a file (`multipart/form-data`).
    pub(crate) multipart: bool,
}

/// The form's field `name` of `step`.
fn name(step: Step, path: &str) -> String {
    format!("{}.{path}", step.code())
}

/// Builds the page's forms; `posted` is what the person sent to `posted_step`
/// (kept when it failed), empty otherwise.
pub(crate) struct Builder<'a> {
    pub(crate) t: Tr,
    pub(crate) data: &'a Data,
    pub(crate) today: NaiveDate,
    pub(crate) posted: &'a FormData,
    pub(crate) posted_step: Option<(Step, Option<String>)>,
    /// The largest file the page takes, in bytes.
    pub(crate) largest_file: u64,
}

impl Builder<'_> {
    /// What the person typed into this form, if it is the one posted.
    fn value(&self, step: Step, measure: Option<&str>, path: &str) -> String {
        match &self.posted_step {
            Some((posted, posted_measure)) if *posted == step && posted_measure.as_deref() == measure => {
                self.posted.value(&name(step, path)).to_owned()
            }
            _ => String::new(),
        }
    }

    /// The forms of the steps the case's state allows, case steps first,
    /// then each measure's.
    pub(crate) fn forms(&self) -> (Vec<StepForm>, Vec<(String, Vec<StepForm>)>) {
        let Ok(status) = CaseStatus::parse(&self.data.case.status) else { return (Vec::new(), Vec::new()) };
        let case_steps = Step::ALL
            .into_iter()
            .filter(|s| !s.is_measure_step() && case_allows(s.action(), status))
            // A complaint is updated once there is one.
            .filter(|s| *s != Step::UpdateComplaint || !self.data.case.complaints.is_empty())
            .map(|s| self.case_form(s))
            .collect();
        let measure_steps = self
            .data
            .case
            .measures
            .iter()
            .map(|m| {
                let measure_status = MeasureStatus::parse(&m.status).ok();
                let forms = Step::ALL
                    .into_iter()
                    .filter(|s| {
                        s.is_measure_step() && measure_status.is_some_and(|ms| measure_allows(s.action(), status, ms))
                    })
                    .map(|s| self.measure_form(s, &m.id, m.number))
                    .collect();
                (m.id.clone(), forms)
            })
            .collect();
        (case_steps, measure_steps)
    }

    fn form(&self, step: Step, measure: Option<(&str, u32)>, groups: Vec<Group>) -> StepForm {
        let t = self.t;
        let code = step.code();
        StepForm {
            code,
            // A measure's step names its measure: each measure has the same
            // forms, and each heading must tell them apart.
            heading: match measure {
                Some((_, number)) => t.with(
                    "paso-de-medida",
                    [("paso", t.t(&format!("paso-{code}")).as_str().into()), ("numero", (number as usize).into())],
                ),
                None => t.t(&format!("paso-{code}")),
            },
            groups,
            button: t.t(&format!("paso-{code}-boton")),
            serious: matches!(step, Step::Archive | Step::Lift),
            measure_id: measure.map(|(id, _)| id.to_owned()),
            anchor: match measure {
                Some((_, number)) => format!("{code}-{number}"),
                None => code.to_owned(),
            },
            multipart: step.carries_file(),
        }
    }

    fn case_form(&self, step: Step) -> StepForm {
        let t = self.t;
        let v = |path: &str| self.value(step, None, path);
        let groups = match step {
            Step::Assign => {
                let current = self.data.case.assigned_officer.as_ref().map(|o| o.id.clone()).unwrap_or_default();
                let chosen = if v("officerId").is_empty() { current } else { v("officerId") };
                let choices = self
                    .data
                    .officers
                    .iter()
                    .map(|o| Choice::new(&name(step, "officerId"), &o.id, Text::plain(&o.display_name), o.id == chosen))
                    .collect();
                let field = Field::new(name(step, "officerId"), t.t("campo-responsable")).required();
                vec![Group::untitled(name(step, ""), vec![Control::select(field, t.t("elija"), choices)])]
            }
            Step::StartReview | Step::CloseInformationPeriod => Vec::new(),
            Step::Admissibility => self.admissibility(step),
            Step::RequestInformation => {
                let field = Field::new(name(step, "question"), t.t("campo-pregunta"))
                    .required()
                    .hint(t.t("campo-pregunta-ayuda"));
                vec![Group::untitled(name(step, ""), vec![Control::text_area(field, v("question"), 5)])]
            }
            Step::AssessRisk => {
                let track = Field::new(name(step, "input.track"), t.t("campo-via")).required();
                let tracks = Track::ALL
                    .iter()
                    .map(|tr| {
                        Choice::new(
                            &name(step, "input.track"),
                            tr.code(),
                            Text::plain(tr.label()),
                            v("input.track") == tr.code(),
                        )
                    })
                    .collect();
                let level = Field::new(name(step, "input.level"), t.t("campo-nivel-riesgo")).required();
                let levels = RiskLevel::ALL
                    .iter()
                    .map(|l| {
                        Choice::new(
                            &name(step, "input.level"),
                            l.code(),
                            Text::plain(l.label()),
                            v("input.level") == l.code(),
                        )
                    })
                    .collect();
                let summary = Field::new(name(step, "input.summary"), t.t("campo-analisis-riesgo")).required();
                vec![Group::untitled(
                    name(step, "input"),
                    vec![
                        Control::radios(track, tracks),
                        Control::select(level, t.t("elija"), levels),
                        Control::text_area(summary, v("input.summary"), 5),
                    ],
                )]
            }
            Step::Resolution => self.resolution(step),
            Step::ReportIncident => self.incident(step),
            Step::SetPlanGoal => {
                // The goal in force, to adjust rather than retype.
                let posted = self.posted_step.as_ref().is_some_and(|(posted, _)| *posted == step);
                let current = self.data.case.protection_plan.as_ref().map(|p| p.goal.clone()).unwrap_or_default();
                let goal = if posted { v("goal") } else { current };
                let field = Field::new(name(step, "goal"), t.t("campo-objetivo-plan"))
                    .required()
                    .hint(t.t("campo-objetivo-plan-ayuda"));
                vec![Group::untitled(name(step, ""), vec![Control::text_area(field, goal, 3)])]
            }
            Step::RecordComplaint => self.complaint(step),
            Step::UpdateComplaint => self.complaint_update(step),
            Step::Archive => {
                let reason = Field::new(name(step, "reason"), t.t("campo-motivo-archivo"))
                    .required()
                    .hint(t.t("campo-motivo-archivo-ayuda"));
                let reasons = ArchiveReason::ALL
                    .iter()
                    .map(|r| {
                        Choice::new(&name(step, "reason"), r.code(), Text::plain(r.label()), v("reason") == r.code())
                    })
                    .collect();
                let note = Field::new(name(step, "note"), t.t("campo-nota"));
                vec![Group::untitled(
                    name(step, ""),
                    vec![Control::select(reason, t.t("elija"), reasons), Control::text_area(note, v("note"), 3)],
                )]
            }
            Step::AttachEvidence => {
                let description = Field::new(name(step, "evidence.description"), t.t("campo-prueba-descripcion"))
                    .required()
                    .hint(t.t("campo-prueba-descripcion-ayuda"));
                let reference = Field::new(name(step, "evidence.reference"), t.t("campo-prueba-referencia"));
                // A file input is drawn empty: after a refusal it is chosen again.
                let again = self.posted_step.as_ref().is_some_and(|(posted, _)| *posted == step);
                let size = crate::pages::sizes::size(t, self.largest_file);
                let hint =
                    t.t1(if again { "campo-archivo-otra-vez" } else { "campo-archivo-ayuda" }, "tamano", size.as_str());
                let file = Field::new(name(step, "file"), t.t("campo-archivo")).required().hint(hint);
                vec![Group::untitled(
                    name(step, ""),
                    vec![
                        Control::text_area(description, v("evidence.description"), 3),
                        Control::input(reference, v("evidence.reference"), InputKind::Text),
                        Control::file(file, "image/*,audio/*,video/*,application/pdf"),
                    ],
                )]
            }
            Step::Notify | Step::Modify | Step::Extend | Step::Renew | Step::Verify | Step::Lift => Vec::new(),
        };
        self.form(step, None, groups)
    }

    fn admissibility(&self, step: Step) -> Vec<Group> {
        let t = self.t;
        let v = |path: &str| self.value(step, None, path);
        let mut groups: Vec<Group> = Criterion::ALL
            .iter()
            .enumerate()
            .map(|(i, criterion)| {
                let met_path = format!("input.criteria[{i}].met");
                let met = Field::new(name(step, &met_path), t.t("campo-criterio-cumple")).required();
                let choices = [("true", "opcion-si"), ("false", "opcion-no")]
                    .into_iter()
                    .map(|(value, label)| Choice::new(&name(step, &met_path), value, t.t(label), v(&met_path) == value))
                    .collect();
                let note_path = format!("input.criteria[{i}].note");
                let note = Field::new(name(step, &note_path), t.t("campo-criterio-nota"))
                    .hint(t.t("campo-criterio-nota-ayuda"));
                Group::new(
                    name(step, &format!("input.criteria[{i}]")),
                    Text::plain(criterion.label()),
                    vec![Control::radios(met, choices), Control::text_area(note, v(&note_path), 2)],
                )
            })
            .collect();
        let outcome = Field::new(name(step, "input.outcome"), t.t("campo-resultado")).required();
        let outcomes = ["ADMIT", "NOT_ADMIT", "REFER"]
            .into_iter()
            .map(|o| {
                Choice::new(&name(step, "input.outcome"), o, t.t(&format!("resultado-{o}")), v("input.outcome") == o)
            })
            .collect();
        let override_reason = Field::new(name(step, "input.overrideReason"), t.t("campo-motivo-excepcion"))
            .hint(t.t("campo-motivo-excepcion-ayuda"));
        let reasons = Field::new(name(step, "input.reasons"), t.t("campo-fundamentos"));
        let referred =
            Field::new(name(step, "input.referredTo"), t.t("campo-derivada-a")).hint(t.t("campo-derivada-a-ayuda"));
        groups.push(Group::new(
            name(step, "input"),
            t.t("grupo-decision"),
            vec![
                Control::radios(outcome, outcomes),
                Control::text_area(override_reason, v("input.overrideReason"), 2),
                Control::text_area(reasons, v("input.reasons"), 3),
                Control::input(referred, v("input.referredTo"), InputKind::Text),
            ],
        ));
        groups
    }

    /// The day a form's date field starts with: what was typed, or today
    /// on a page no form was posted from.
    fn day(&self, step: Step, measure: Option<&str>, path: &str) -> String {
        let day = self.value(step, measure, path);
        if day.is_empty() && self.posted_step.is_none() { self.today.to_string() } else { day }
    }

    /// A complaint filed with the Public Prosecutor.
    fn complaint(&self, step: Step) -> Vec<Group> {
        let t = self.t;
        let v = |path: &str| self.value(step, None, path);
        let input = |path: &str, label: &str, value: String| {
            Control::input(Field::new(name(step, path), t.t(label)).required(), value, InputKind::Text)
        };
        vec![Group::untitled(
            name(step, "input"),
            vec![
                Control::input(
                    Field::new(name(step, "input.filedOn"), t.t("campo-denuncia-fecha"))
                        .required()
                        .hint(t.t("campo-fecha-ayuda")),
                    self.day(step, None, "input.filedOn"),
                    InputKind::Text,
                ),
                input("input.office", "campo-denuncia-fiscalia", v("input.office")),
                input("input.fileNumber", "campo-denuncia-carpeta", v("input.fileNumber")),
            ],
        )]
    }

    /// A complaint's new stage.
    fn complaint_update(&self, step: Step) -> Vec<Group> {
        let t = self.t;
        let v = |path: &str| self.value(step, None, path);
        let field = |path: &str| name(step, path);
        let complaints = self
            .data
            .case
            .complaints
            .iter()
            .map(|c| {
                let label = t.with(
                    "denuncia-opcion",
                    [("numero", (c.number as usize).into()), ("carpeta", c.file_number.as_str().into())],
                );
                let number = c.number.to_string();
                let chosen = v("input.complaintNumber") == number || self.data.case.complaints.len() == 1;
                Choice::new(&field("input.complaintNumber"), number, label, chosen)
            })
            .collect();
        let statuses = ComplaintStatus::ALL
            .iter()
            .map(|s| {
                Choice::new(&field("input.status"), s.code(), Text::plain(s.label()), v("input.status") == s.code())
            })
            .collect();
        vec![Group::untitled(
            name(step, "input"),
            vec![
                Control::select(
                    Field::new(field("input.complaintNumber"), t.t("campo-denuncia")).required(),
                    t.t("elija"),
                    complaints,
                ),
                Control::select(
                    Field::new(field("input.status"), t.t("campo-denuncia-estado")).required(),
                    t.t("elija"),
                    statuses,
                ),
                Control::input(
                    Field::new(field("input.on"), t.t("campo-denuncia-estado-fecha"))
                        .required()
                        .hint(t.t("campo-fecha-ayuda")),
                    self.day(step, None, "input.on"),
                    InputKind::Text,
                ),
                Control::text_area(Field::new(field("input.note"), t.t("campo-denuncia-nota")), v("input.note"), 3),
            ],
        )]
    }

    /// A new incident the officer learnt of: as the requester's form.
    fn incident(&self, step: Step) -> Vec<Group> {
        let t = self.t;
        let v = |path: &str| self.value(step, None, path);
        let chosen = self.posted_step.as_ref().filter(|(posted, _)| *posted == step).map_or_else(Vec::new, |_| {
            self.posted.values(&name(step, "incident.aggressionTypes")).map(str::to_owned).collect()
        });
        let aggressions = AggressionType::ALL
            .iter()
            .map(|a| {
                let field = name(step, "incident.aggressionTypes");
                Choice::new(&field, a.code(), Text::plain(a.label()), chosen.iter().any(|c| c == a.code()))
            })
            .collect();
        let aggressors = AggressorType::ALL
            .iter()
            .map(|a| {
                let field = name(step, "incident.aggressor");
                Choice::new(&field, a.code(), Text::plain(a.label()), v("incident.aggressor") == a.code())
            })
            .collect();
        let day = self.day(step, None, "incident.occurredOn");
        vec![Group::untitled(
            name(step, "incident"),
            vec![
                Control::input(
                    Field::new(name(step, "incident.occurredOn"), t.t("campo-incidente-fecha"))
                        .required()
                        .hint(t.t("campo-fecha-ayuda")),
                    day,
                    InputKind::Text,
                ),
                Control::text_area(
                    Field::new(name(step, "incident.description"), t.t("campo-incidente-relato"))
                        .required()
                        .hint(t.t("campo-incidente-relato-ayuda")),
                    v("incident.description"),
                    4,
                ),
                Control::checkboxes(
                    Field::new(name(step, "incident.aggressionTypes"), t.t("campo-incidente-agresiones"))
                        .required()
                        .hint(t.t("campo-incidente-agresiones-ayuda")),
                    aggressions,
                ),
                Control::select(
                    Field::new(name(step, "incident.aggressor"), t.t("campo-incidente-agresor")),
                    t.t("elija"),
                    aggressors,
                ),
            ],
        )]
    }

    fn act_controls(&self, step: Step, measure: Option<&str>, prefix: &str) -> Vec<Control> {
        let t = self.t;
        let number_path = format!("{prefix}act.number");
        let date_path = format!("{prefix}act.date");
        let date = self.day(step, measure, &date_path);
        vec![
            Control::input(
                Field::new(name(step, &number_path), t.t("campo-acto-numero"))
                    .required()
                    .hint(t.t("campo-acto-numero-ayuda")),
                self.value(step, measure, &number_path),
                InputKind::Text,
            ),
            Control::input(
                Field::new(name(step, &date_path), t.t("campo-acto-fecha")).required().hint(t.t("campo-fecha-ayuda")),
                date,
                InputKind::Text,
            ),
        ]
    }

    fn resolution(&self, step: Step) -> Vec<Group> {
        let t = self.t;
        let v = |path: &str| self.value(step, None, path);
        let mut groups =
            vec![Group::new(name(step, "input.act"), t.t("grupo-acto"), self.act_controls(step, None, "input."))];
        for i in 0..GRANTED_ROWS {
            let base = format!("input.granted[{i}]");
            let type_path = format!("{base}.measureType");
            let sector_path = format!("{base}.sector");
            let details_path = format!("{base}.details");
            let types = self
                .data
                .measure_types
                .iter()
                .filter(|m| m.active)
                .map(|m| {
                    let label = Text::plain(format!("{} ({})", m.name, m.default_sector));
                    Choice::new(&name(step, &type_path), &m.code, label, v(&type_path) == m.code)
                })
                .collect();
            let sectors = self
                .data
                .sectors
                .iter()
                .filter(|s| s.active)
                .map(|s| {
                    Choice::new(&name(step, &sector_path), &s.code, Text::plain(&s.name), v(&sector_path) == s.code)
                })
                .collect();
            let mut group = Group::new(
                name(step, &base),
                t.t1("grupo-medida-otorgada", "numero", i + 1),
                vec![
                    Control::select(
                        Field::new(name(step, &type_path), t.t("campo-tipo-medida")),
                        t.t("ninguna"),
                        types,
                    ),
                    Control::select(
                        Field::new(name(step, &sector_path), t.t("campo-sector")).hint(t.t("campo-sector-ayuda")),
                        t.t("sector-del-tipo"),
                        sectors,
                    ),
                    Control::text_area(
                        Field::new(name(step, &details_path), t.t("campo-detalle-medida")),
                        v(&details_path),
                        2,
                    ),
                ],
            );
            if i == 0 {
                group.hint = Some(t.t("grupo-medida-otorgada-ayuda"));
            }
            groups.push(group);
        }
        for i in 0..DENIED_ROWS {
            let base = format!("input.denied[{i}]");
            let description = format!("{base}.description");
            let reason = format!("{base}.reason");
            groups.push(Group::new(
                name(step, &base),
                t.t1("grupo-medida-denegada", "numero", i + 1),
                vec![
                    Control::input(
                        Field::new(name(step, &description), t.t("campo-medida-denegada")),
                        v(&description),
                        InputKind::Text,
                    ),
                    Control::text_area(Field::new(name(step, &reason), t.t("campo-motivo-denegacion")), v(&reason), 2),
                ],
            ));
        }
        groups
    }

    fn measure_form(&self, step: Step, measure_id: &str, number: u32) -> StepForm {
        let t = self.t;
        let v = |path: &str| self.value(step, Some(measure_id), path);
        let mut controls = match step {
            Step::Modify | Step::Extend | Step::Renew | Step::Lift => self.act_controls(step, Some(measure_id), ""),
            _ => Vec::new(),
        };
        match step {
            Step::Modify => controls.push(Control::text_area(
                Field::new(name(step, "details"), t.t("campo-que-cambia")).required(),
                v("details"),
                3,
            )),
            Step::Extend => controls.push(Control::input(
                Field::new(name(step, "until"), t.t("campo-prorroga-hasta")).required().hint(t.t("campo-fecha-ayuda")),
                v("until"),
                InputKind::Text,
            )),
            Step::Lift => controls.push(Control::text_area(
                Field::new(name(step, "reason"), t.t("campo-motivo-levantamiento")).required(),
                v("reason"),
                3,
            )),
            Step::Verify => {
                let outcomes = [("true", "verificacion-si"), ("false", "verificacion-no")]
                    .into_iter()
                    .map(|(value, label)| {
                        Choice::new(&name(step, "verified"), value, t.t(label), v("verified") == value)
                    })
                    .collect();
                controls.push(Control::radios(
                    Field::new(name(step, "verified"), t.t("campo-verificacion")).required(),
                    outcomes,
                ));
                controls.push(Control::text_area(
                    Field::new(name(step, "note"), t.t("campo-verificacion-nota"))
                        .required()
                        .hint(t.t("campo-verificacion-nota-ayuda")),
                    v("note"),
                    3,
                ));
            }
            _ => {}
        }
        let groups = if controls.is_empty() {
            Vec::new()
        } else {
            vec![Group::untitled(name(step, ""), controls).suffix_ids(&number.to_string())]
        };
        self.form(step, Some((measure_id, number)), groups)
    }
}

/// A problem the page finds before asking the API: a choice not made, a
/// date not written as a date. (The API checks everything else.)
pub(crate) type Problem = (String, Text);

/// The mutation's variables from what was posted, or the problems with it.
pub(crate) fn variables(
    t: Tr,
    step: Step,
    form: &FormData,
    case_id: &str,
    measure_id: Option<&str>,
) -> Result<Value, Vec<Problem>> {
    let mut problems = Vec::new();
    let field = |path: &str| form.value(&name(step, path)).trim().to_owned();
    let optional = |path: &str| Some(field(path)).filter(|v| !v.is_empty());
    let required = |path: &str, problems: &mut Vec<Problem>| {
        let value = field(path);
        if value.is_empty() {
            problems.push((name(step, path), t.t("error-obligatorio")));
        }
        value
    };
    let date = |path: &str, problems: &mut Vec<Problem>| {
        let value = field(path);
        if value.is_empty() {
            problems.push((name(step, path), t.t("error-obligatorio")));
        } else if value.parse::<NaiveDate>().is_err() {
            problems.push((name(step, path), t.t("error-fecha")));
        }
        value
    };
    let value = match step {
        Step::Assign => json!({ "caseId": case_id, "officerId": required("officerId", &mut problems) }),
        Step::StartReview | Step::CloseInformationPeriod => json!({ "caseId": case_id }),
        Step::RequestInformation => json!({ "caseId": case_id, "question": form.value(&name(step, "question")) }),
        Step::Admissibility => {
            let criteria: Vec<Value> = Criterion::ALL
                .iter()
                .enumerate()
                .map(|(i, criterion)| {
                    let met = match field(&format!("input.criteria[{i}].met")).as_str() {
                        "true" => true,
                        "false" => false,
                        _ => {
                            problems.push((name(step, &format!("input.criteria[{i}].met")), t.t("error-elija-opcion")));
                            false
                        }
                    };
                    json!({ "criterion": criterion.code(), "met": met, "note": optional(&format!("input.criteria[{i}].note")) })
                })
                .collect();
            let outcome = field("input.outcome");
            if !["ADMIT", "NOT_ADMIT", "REFER"].contains(&outcome.as_str()) {
                problems.push((name(step, "input.outcome"), t.t("error-elija-opcion")));
            }
            json!({ "caseId": case_id, "input": {
                "criteria": criteria, "outcome": outcome,
                "overrideReason": optional("input.overrideReason"), "reasons": optional("input.reasons"),
                "referredTo": optional("input.referredTo"),
            } })
        }
        Step::AssessRisk => {
            let track = field("input.track");
            if Track::parse(&track).is_err() {
                problems.push((name(step, "input.track"), t.t("error-elija-opcion")));
            }
            let level = field("input.level");
            if RiskLevel::parse(&level).is_err() {
                problems.push((name(step, "input.level"), t.t("error-elija-opcion")));
            }
            json!({ "caseId": case_id, "input": { "track": track, "level": level, "summary": form.value(&name(step, "input.summary")) } })
        }
        Step::Resolution => {
            let number = required("input.act.number", &mut problems);
            let act_date = date("input.act.date", &mut problems);
            let granted: Vec<Value> = (0..GRANTED_ROWS)
                .filter_map(|i| {
                    let base = format!("input.granted[{i}]");
                    optional(&format!("{base}.measureType")).map(|measure_type| {
                        json!({ "measureType": measure_type, "sector": optional(&format!("{base}.sector")),
                                "details": optional(&format!("{base}.details")) })
                    })
                })
                .collect();
            let denied: Vec<Value> = (0..DENIED_ROWS)
                .filter_map(|i| {
                    let base = format!("input.denied[{i}]");
                    let description = optional(&format!("{base}.description"));
                    let reason = optional(&format!("{base}.reason"));
                    match (description, reason) {
                        (None, None) => None,
                        (description, reason) => Some(json!({ "description": description.unwrap_or_default(), "reason": reason.unwrap_or_default() })),
                    }
                })
                .collect();
            json!({ "caseId": case_id, "input": { "act": { "number": number, "date": act_date }, "granted": granted, "denied": denied } })
        }
        Step::Notify => json!({ "measureId": measure_id }),
        Step::Verify => {
            let verified = match field("verified").as_str() {
                "true" => true,
                "false" => false,
                _ => {
                    problems.push((name(step, "verified"), t.t("error-elija-opcion")));
                    false
                }
            };
            let note = required("note", &mut problems);
            json!({ "measureId": measure_id, "verified": verified, "note": note })
        }
        Step::SetPlanGoal => json!({ "caseId": case_id, "goal": form.value(&name(step, "goal")) }),
        Step::Renew => {
            let number = required("act.number", &mut problems);
            let act_date = date("act.date", &mut problems);
            json!({ "measureId": measure_id, "act": { "number": number, "date": act_date } })
        }
        Step::RecordComplaint => {
            let filed_on = date("input.filedOn", &mut problems);
            let office = required("input.office", &mut problems);
            let file_number = required("input.fileNumber", &mut problems);
            json!({ "caseId": case_id, "input": { "filedOn": filed_on, "office": office, "fileNumber": file_number } })
        }
        Step::UpdateComplaint => {
            let number = field("input.complaintNumber").parse::<u32>().ok();
            if number.is_none() {
                problems.push((name(step, "input.complaintNumber"), t.t("error-elija-opcion")));
            }
            let status = field("input.status");
            if ComplaintStatus::parse(&status).is_err() {
                problems.push((name(step, "input.status"), t.t("error-elija-opcion")));
            }
            let on = date("input.on", &mut problems);
            json!({ "caseId": case_id, "input": {
                "complaintNumber": number, "status": status, "on": on, "note": optional("input.note"),
            } })
        }
        Step::ReportIncident => {
            let occurred_on = date("incident.occurredOn", &mut problems);
            let description = required("incident.description", &mut problems);
            let types_field = name(step, "incident.aggressionTypes");
            let aggression_types: Vec<&str> = form.values(&types_field).collect();
            if aggression_types.is_empty() {
                problems.push((types_field.clone(), t.t("error-obligatorio")));
            }
            json!({ "caseId": case_id, "incident": {
                "occurredOn": occurred_on,
                "description": description,
                "aggressionTypes": aggression_types,
                "aggressor": optional("incident.aggressor"),
            } })
        }
        Step::Modify | Step::Extend | Step::Lift => {
            let number = required("act.number", &mut problems);
            let act_date = date("act.date", &mut problems);
            let mut value = json!({ "measureId": measure_id, "act": { "number": number, "date": act_date } });
            let extra = match step {
                Step::Modify => ("details", json!(form.value(&name(step, "details")))),
                Step::Extend => ("until", json!(date("until", &mut problems))),
                _ => ("reason", json!(form.value(&name(step, "reason")))),
            };
            value[extra.0] = extra.1;
            value
        }
        Step::Archive => {
            let reason = field("reason");
            if ArchiveReason::parse(&reason).is_err() {
                problems.push((name(step, "reason"), t.t("error-elija-opcion")));
            }
            json!({ "caseId": case_id, "reason": reason, "note": optional("note") })
        }
        Step::AttachEvidence => {
            // With a file, the API blames the file for any problem: the
            // texts are checked here, by the API's own rule.
            for (path, required) in [("evidence.description", true), ("evidence.reference", false)] {
                let value = field(path);
                let checked = match required {
                    true => ShortText::parse(&value).map(drop),
                    false => ShortText::parse_optional(Some(&value)).map(drop),
                };
                if let Err(error) = checked {
                    let message = match error {
                        TextError::Empty => t.t("error-obligatorio"),
                        other => Text::spanish(other.to_string(), Lang::Es),
                    };
                    problems.push((name(step, path), message));
                }
            }
            json!({ "caseId": case_id, "evidence": {
                "description": field("evidence.description"), "reference": optional("evidence.reference"),
            } })
        }
    };
    if problems.is_empty() { Ok(value) } else { Err(problems) }
}

/// The form field an API problem's path belongs to. The rows of the
/// resolution left empty were not sent, so the API's `granted[1]` is the
/// second row that was filled in.
pub(crate) fn field_of(step: Step, form: &FormData, path: &str) -> String {
    if step != Step::Resolution {
        return name(step, path);
    }
    let renumber = |path: &str, list: &str, rows: usize, filled: &dyn Fn(usize) -> bool| -> Option<String> {
        let rest = path.strip_prefix(&format!("input.{list}["))?;
        let (index, tail) = rest.split_once(']')?;
        let index: usize = index.parse().ok()?;
        let row = (0..rows).filter(|i| filled(*i)).nth(index)?;
        Some(format!("input.{list}[{row}]{tail}"))
    };
    let value = |path: String| !form.value(&name(step, &path)).trim().is_empty();
    let granted = |i: usize| value(format!("input.granted[{i}].measureType"));
    let denied =
        |i: usize| value(format!("input.denied[{i}].description")) || value(format!("input.denied[{i}].reason"));
    let path = renumber(path, "granted", GRANTED_ROWS, &granted)
        .or_else(|| renumber(path, "denied", DENIED_ROWS, &denied))
        .unwrap_or_else(|| path.to_owned());
    name(step, &path)
}

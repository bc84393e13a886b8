//! Who acts. Every change and every sensitive read is attributed to one of
//! these roles in the audit trail; what each may do is decided at the edge.

use crate::codes::code_enum;

code_enum! {
    pub enum Role ("rol") {
        /// Someone without an account: a defender or third party filing or
        /// following a request with its file number and access key.
        Public = "PUBLIC", "Público";
        /// DGDH staff: triage, admissibility, risk, resolutions, follow-up.
        Officer = "OFFICER", "Especialista de la DGDH";
        Supervisor = "SUPERVISOR", "Supervisor/a";
        /// A sector's coordinator: the measures assigned to their sector.
        Coordinator = "COORDINATOR", "Coordinador/a sectorial";
        /// Users, sectors, catalogue, calendar; never case contents.
        Admin = "ADMIN", "Administrador/a";
        /// Read-only access to the audit trail.
        Auditor = "AUDITOR", "Auditor/a";
        /// An app that submits requests over OpenRosa with a token an admin
        /// issued (ODK Collect, Tella): it files, and reads nothing back.
        Device = "DEVICE", "Aplicación de recolección";
        /// Resguardo itself: scheduled work, migrations, recomputations.
        System = "SYSTEM", "Sistema";
    }
}

//! The controls a form is made of, as the templates draw them: each with a
//! visible label, an optional hint, its error next to it (tied with
//! `aria-describedby`), and an id the error summary links to. Rust decides
//! what a step asks; `templates/campos.html` decides how it looks.

use super::catalogue::Text;
use super::form_data::control_id;

/// What every control has.
pub(crate) struct Field {
    /// The form name: the path of the API's input.
    pub(crate) name: String,
    pub(crate) id: String,
    pub(crate) label: Text,
    pub(crate) hint: Option<Text>,
    pub(crate) error: Option<Text>,
    pub(crate) required: bool,
}

impl Field {
    pub(crate) fn new(name: impl Into<String>, label: Text) -> Self {
        let name = name.into();
        Self { id: control_id(&name), name, label, hint: None, error: None, required: false }
    }

    pub(crate) fn hint(mut self, hint: Text) -> Self {
        self.hint = Some(hint);
        self
    }

    pub(crate) fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The ids of the hint and the error, for `aria-describedby`.
    pub(crate) fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if self.hint.is_some() {
            ids.push(format!("{}-ayuda", self.id));
        }
        if self.error.is_some() {
            ids.push(format!("{}-error", self.id));
        }
        ids.join(" ")
    }
}

/// How a one-line input is typed in, so phones show the right keyboard.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum InputKind {
    Text,
    Email,
    Tel,
    /// Digits only (`inputmode="numeric"`): a count.
    Number,
    /// A staff account's e-mail at sign-in: the browser's password manager
    /// may fill it (on the public side nothing is remembered).
    AccountEmail,
    /// A staff account's password.
    Password,
    /// A password being set (an account's first, or a new one).
    NewPassword,
    /// A code from an authenticator app.
    OneTimeCode,
}

impl InputKind {
    pub(crate) fn html_type(self) -> &'static str {
        match self {
            InputKind::Text | InputKind::Number | InputKind::OneTimeCode => "text",
            InputKind::Email | InputKind::AccountEmail => "email",
            InputKind::Tel => "tel",
            InputKind::Password | InputKind::NewPassword => "password",
        }
    }

    /// What the browser may fill in: nothing on the public side, where a
    /// remembered answer is a trace on a phone that may be taken.
    pub(crate) fn autocomplete(self) -> &'static str {
        match self {
            InputKind::Text | InputKind::Email | InputKind::Tel | InputKind::Number => "off",
            InputKind::AccountEmail => "username",
            InputKind::Password => "current-password",
            InputKind::NewPassword => "new-password",
            InputKind::OneTimeCode => "one-time-code",
        }
    }

    pub(crate) fn input_mode(self) -> &'static str {
        match self {
            InputKind::Text | InputKind::Password | InputKind::NewPassword => "text",
            InputKind::Email | InputKind::AccountEmail => "email",
            InputKind::Tel => "tel",
            InputKind::Number | InputKind::OneTimeCode => "numeric",
        }
    }
}

/// One option of a choice.
pub(crate) struct Choice {
    pub(crate) value: String,
    pub(crate) label: Text,
    pub(crate) selected: bool,
    /// For radios and boxes, each its own `id`.
    pub(crate) id: String,
}

impl Choice {
    pub(crate) fn new(field: &str, value: impl Into<String>, label: Text, selected: bool) -> Self {
        let value = value.into();
        let id = control_id(&format!("{field}-{value}"));
        Self { value, label, selected, id }
    }
}

/// A control: what every control has, and what its kind adds.
pub(crate) struct Control {
    pub(crate) field: Field,
    pub(crate) kind: ControlKind,
}

pub(crate) enum ControlKind {
    Input {
        value: String,
        kind: InputKind,
    },
    TextArea {
        value: String,
        rows: u8,
    },
    /// A drop-down list; `placeholder` is the first, empty entry.
    Select {
        placeholder: Text,
        choices: Vec<Choice>,
    },
    Radios {
        choices: Vec<Choice>,
    },
    Checkboxes {
        choices: Vec<Choice>,
    },
    /// A single yes/no box, posted as `true`.
    Checkbox {
        checked: bool,
    },
    /// A file to send with the form (a `multipart/form-data` form); the
    /// browser never draws one again with its file, so it has no value.
    File {
        /// The `accept` attribute: the kinds the file chooser offers.
        accept: &'static str,
    },
}

impl Control {
    pub(crate) fn input(field: Field, value: String, kind: InputKind) -> Self {
        Self { field, kind: ControlKind::Input { value, kind } }
    }

    pub(crate) fn text_area(field: Field, value: String, rows: u8) -> Self {
        Self { field, kind: ControlKind::TextArea { value, rows } }
    }

    pub(crate) fn select(field: Field, placeholder: Text, choices: Vec<Choice>) -> Self {
        Self { field, kind: ControlKind::Select { placeholder, choices } }
    }

    pub(crate) fn radios(field: Field, choices: Vec<Choice>) -> Self {
        Self { field, kind: ControlKind::Radios { choices } }
    }

    pub(crate) fn checkboxes(field: Field, choices: Vec<Choice>) -> Self {
        Self { field, kind: ControlKind::Checkboxes { choices } }
    }

    pub(crate) fn checkbox(field: Field, checked: bool) -> Self {
        Self { field, kind: ControlKind::Checkbox { checked } }
    }

    pub(crate) fn file(field: Field, accept: &'static str) -> Self {
        Self { field, kind: ControlKind::File { accept } }
    }
}

/// A group of controls under one heading (`<fieldset>` and `<legend>`),
/// with an error that concerns the group as a whole.
pub(crate) struct Group {
    /// The field names it holds start with this (`beneficiaries[0]`); a
    /// problem with one of them that no control shows is the group's.
    pub(crate) prefix: String,
    pub(crate) id: String,
    /// `None` for a group of one question, whose own legend says it all.
    pub(crate) legend: Option<Text>,
    pub(crate) hint: Option<Text>,
    pub(crate) error: Option<Text>,
    pub(crate) controls: Vec<Control>,
    /// A button that removes the group (a person, a piece of evidence):
    /// its `accion` value and its label.
    pub(crate) remove: Option<(String, Text)>,
    /// A class for the stylesheet (`tercero` is shown only when filing for
    /// someone else).
    pub(crate) class: &'static str,
}

impl Group {
    pub(crate) fn new(prefix: impl Into<String>, legend: Text, controls: Vec<Control>) -> Self {
        let prefix = prefix.into();
        let id = control_id(&format!("grupo {prefix}"));
        Self { prefix, id, legend: Some(legend), hint: None, error: None, controls, remove: None, class: "" }
    }

    /// Makes every id in the group end with `-{suffix}`, for a form drawn
    /// once per item on one page (each measure's): the names stay, so the
    /// API's problems still find their fields, and no id repeats.
    pub(crate) fn suffix_ids(mut self, suffix: &str) -> Self {
        self.id = format!("{}-{suffix}", self.id);
        for control in &mut self.controls {
            control.field.id = format!("{}-{suffix}", control.field.id);
            let choices = match &mut control.kind {
                ControlKind::Select { choices, .. }
                | ControlKind::Radios { choices }
                | ControlKind::Checkboxes { choices } => choices.as_mut_slice(),
                ControlKind::Input { .. }
                | ControlKind::TextArea { .. }
                | ControlKind::Checkbox { .. }
                | ControlKind::File { .. } => &mut [],
            };
            for choice in choices {
                choice.id = format!("{}-{suffix}", choice.id);
            }
        }
        self
    }

    /// A group without a heading of its own.
    pub(crate) fn untitled(prefix: impl Into<String>, controls: Vec<Control>) -> Self {
        Self { legend: None, ..Self::new(prefix, Text::plain(""), controls) }
    }
}

/// What a page says about the post that drew it, at the top.
#[derive(Default)]
pub(crate) struct Feedback {
    /// Something to know that is no problem with a field (a wait, an
    /// expired page, an action done).
    pub(crate) notice: Option<Text>,
    /// The problems with fields, in the page's order.
    pub(crate) summary: Vec<Problem>,
    /// Problems no field on the page holds.
    pub(crate) general: Vec<Text>,
}

impl Feedback {
    pub(crate) fn count(&self) -> usize {
        self.summary.len() + self.general.len()
    }
}

/// One entry of the error summary at the top of a form.
pub(crate) struct Problem {
    /// The control (or group) it links to.
    pub(crate) target: String,
    /// The control's label ("Nombre").
    pub(crate) label: Text,
    /// What is wrong ("es obligatorio").
    pub(crate) message: Text,
}

/// Puts each problem (field name, message) next to its control or,
/// failing that, on the group whose fields' names it starts with, or else
/// in `general`; returns the summary in the order of the page.
pub(crate) fn place_problems(
    groups: &mut [Group],
    problems: &[(String, Text)],
    general: &mut Vec<Text>,
) -> Vec<Problem> {
    let mut placed = vec![false; problems.len()];
    let mut summary = Vec::new();
    for group in groups.iter_mut() {
        for control in &mut group.controls {
            let field = &mut control.field;
            for (i, (name, message)) in problems.iter().enumerate() {
                if !placed[i] && *name == field.name {
                    placed[i] = true;
                    if field.error.is_none() {
                        field.error = Some(message.clone());
                    }
                    summary.push(Problem {
                        target: field.id.clone(),
                        label: field.label.clone(),
                        message: message.clone(),
                    });
                }
            }
        }
    }
    for (i, (name, message)) in problems.iter().enumerate() {
        if placed[i] {
            continue;
        }
        match groups.iter_mut().find(|g| !g.prefix.is_empty() && name.starts_with(g.prefix.as_str())) {
            Some(group) => {
                if group.error.is_none() {
                    group.error = Some(message.clone());
                }
                let label = group.legend.clone().unwrap_or_else(|| Text::plain(""));
                summary.push(Problem { target: group.id.clone(), label, message: message.clone() });
            }
            None => general.push(message.clone()),
        }
    }
    summary
}

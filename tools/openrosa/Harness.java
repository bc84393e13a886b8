// OpenRosa test harness: fills an XForm with JavaRosa, the form engine inside
// ODK Collect and Tella Android, and writes the submission instance XML that
// those apps would send.
//
// Run with Java 11+'s single-file source launcher against the JavaRosa fat jar
// that pyxform bundles (ODK_Validate.jar):
//
//   java -cp "$RESGUARDO_ODK_JAR" tools/openrosa/Harness.java fill FORM.xml ANSWERS OUT.xml
//
// Commands:
//   validate FORM.xml                 delegates to ODK Validate (same as java -jar JAR FORM.xml)
//   info FORM.xml                     prints formID, version, title, languages, submission key/URL
//   paths FORM.xml                    lists every question path, its type and its choices
//   fill FORM.xml ANSWERS OUT.xml     answers the form and writes the instance; prints instanceID
//
// ANSWERS is a UTF-8 text file ("-" reads standard input) of PATH=VALUE lines;
// lines starting with '#' and blank lines are ignored; see README.md. Examples:
//
//   /data/facts=Free text; the escapes \n \t \r \\ are decoded
//   /data/beneficiary[2]/name=Ana        (repeat instances are 1-based; [1] may be omitted)
//   /data/aggressions=threat physical    (select_multiple: choice values separated by spaces)
//   /data/department=                    (empty value: leave the question blank)
//   /data/beneficiary[3]=                (only create repeat instances up to 3)
//   !/data/meta/instanceID=uuid:fixed    (raw override: written into the instance node after
//                                         validation and finalization, with no checks at all)
//
// Exit status: 0 success; 1 the answers are rejected the way Collect would reject
// them (constraint, required question left blank, unknown choice, value of the
// wrong type, path that is no relevant question); 2 usage, I/O or form parse error.
//
// The harness does NOT encrypt: JavaRosa only serializes the plain instance. For
// forms with <submission base64RsaPublicKey="...">, ODK Collect encrypts in its
// own code (EncryptionUtils); a test client has to do the same on OUT.xml.

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.javarosa.core.model.Constants;
import org.javarosa.core.model.FormDef;
import org.javarosa.core.model.FormIndex;
import org.javarosa.core.model.IDataReference;
import org.javarosa.core.model.QuestionDef;
import org.javarosa.core.model.SelectChoice;
import org.javarosa.core.model.SubmissionProfile;
import org.javarosa.core.model.ValidateOutcome;
import org.javarosa.core.model.data.IAnswerData;
import org.javarosa.core.model.data.SelectMultiData;
import org.javarosa.core.model.data.SelectOneData;
import org.javarosa.core.model.data.StringData;
import org.javarosa.core.model.data.helper.Selection;
import org.javarosa.core.model.instance.FormInstance;
import org.javarosa.core.model.instance.InstanceInitializationFactory;
import org.javarosa.core.model.instance.TreeElement;
import org.javarosa.core.model.instance.TreeReference;
import org.javarosa.core.services.IPropertyManager;
import org.javarosa.core.services.PropertyManager;
import org.javarosa.core.services.properties.IPropertyRules;
import org.javarosa.form.api.FormEntryController;
import org.javarosa.form.api.FormEntryModel;
import org.javarosa.form.api.FormEntryPrompt;
import org.javarosa.model.xform.XFormSerializingVisitor;
import org.javarosa.model.xform.XPathReference;
import org.javarosa.xform.util.XFormAnswerDataParser;
import org.javarosa.xform.util.XFormUtils;

public class Harness {

    static final int EXIT_REJECTED = 1;
    static final int EXIT_USAGE = 2;

    /** An error that ends the run with a message on stderr and an exit status. */
    static final class Failure extends Exception {
        final int status;

        Failure(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    static Failure rejected(String message) {
        return new Failure(EXIT_REJECTED, message);
    }

    static Failure usage(String message) {
        return new Failure(EXIT_USAGE, message);
    }

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Failure f) {
            System.err.println("harness: " + f.getMessage());
            System.exit(f.status);
        } catch (Exception e) {
            System.err.println("harness: unexpected error: " + e);
            e.printStackTrace(System.err);
            System.exit(EXIT_USAGE);
        }
    }

    static final String USAGE = String.join("\n",
            "usage: java -cp ODK_Validate.jar Harness.java COMMAND ...",
            "  validate FORM.xml                 run ODK Validate on the form",
            "  info FORM.xml                     print formID, version, title, languages, submission key/URL",
            "  paths FORM.xml                    list question paths, types and choices",
            "  fill FORM.xml ANSWERS OUT.xml     answer the form, write the instance, print instanceID",
            "                                    (ANSWERS '-' reads standard input)");

    static void run(String[] args) throws Exception {
        if (args.length == 0) {
            throw usage(USAGE);
        }
        switch (args[0]) {
            case "validate":
                requireArgs(args, 2);
                // ODK Validate prints "Xform is valid!" and exits itself (0 valid, 1 not).
                org.opendatakit.validate.FormValidator.main(new String[] {args[1]});
                return;
            case "info":
                requireArgs(args, 2);
                info(Path.of(args[1]));
                return;
            case "paths":
                requireArgs(args, 2);
                paths(Path.of(args[1]));
                return;
            case "fill":
                requireArgs(args, 4);
                fill(Path.of(args[1]), args[2], Path.of(args[3]));
                return;
            case "-h":
            case "--help":
            case "help":
                System.out.println(USAGE);
                return;
            default:
                throw usage("unknown command '" + args[0] + "'\n" + USAGE);
        }
    }

    static void requireArgs(String[] args, int n) throws Failure {
        if (args.length != n) {
            throw usage("wrong number of arguments for '" + args[0] + "'\n" + USAGE);
        }
    }

    // ------------------------------------------------------------------ form loading

    /** Parses the form and creates a new, initialized instance, as Collect does for a new entry. */
    static FormDef loadForm(Path form) throws Failure {
        installPropertyManager();
        FormDef fd;
        try (InputStream in = Files.newInputStream(form)) {
            fd = XFormUtils.getFormFromInputStream(in);
        } catch (IOException e) {
            throw usage("cannot read form " + form + ": " + e.getMessage());
        } catch (Exception e) {
            throw usage("cannot parse form " + form + ": " + e.getMessage());
        }
        if (fd == null) {
            throw usage("cannot parse form " + form);
        }
        try {
            // newInstance=true: runs preloads (uid, timestamps, properties), the
            // odk-instance-first-load actions and all calculations.
            fd.initialize(true, new InstanceInitializationFactory());
        } catch (Exception e) {
            throw usage("cannot initialize form " + form + ": " + e);
        }
        if (fd.getLocalizer() != null && fd.getLocalizer().getDefaultLocale() != null) {
            fd.getLocalizer().setLocale(fd.getLocalizer().getDefaultLocale());
        }
        return fd;
    }

    /**
     * JavaRosa answers jr:preload="property" (deviceid, username, ...) from the global
     * property manager; Collect installs its own. This one is a plain map.
     */
    static void installPropertyManager() {
        Map<String, List<String>> props = new HashMap<>();
        props.put("deviceid", List.of("resguardo-harness"));
        props.put("username", List.of("harness"));
        PropertyManager.setPropertyManager(new IPropertyManager() {
            public List<String> getProperty(String name) {
                return props.get(name);
            }

            public void setProperty(String name, String value) {
                props.put(name, List.of(value));
            }

            public void setProperty(String name, List<String> values) {
                props.put(name, new ArrayList<>(values));
            }

            public String getSingularProperty(String name) {
                List<String> v = props.get(name);
                return v == null || v.isEmpty() ? null : v.get(0);
            }

            public void addRules(IPropertyRules rules) {}

            public List<IPropertyRules> getRules() {
                return new ArrayList<>();
            }
        });
    }

    // ------------------------------------------------------------------ paths

    /**
     * Canonical form of an instance path: every level carries its 1-based index,
     * e.g. /data[1]/beneficiary[2]/name[1]. Used only for matching.
     */
    static String canonical(TreeReference ref) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ref.size(); i++) {
            int mult = ref.getMultiplicity(i);
            sb.append('/').append(ref.getName(i)).append('[').append(mult < 0 ? 1 : mult + 1).append(']');
        }
        return sb.toString();
    }

    /** Path without indices: /data/beneficiary/name. */
    static String generic(TreeReference ref, int levels) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            sb.append('/').append(ref.getName(i));
        }
        return sb.toString();
    }

    /** Human-readable path: indices only on repeat levels, e.g. /data/beneficiary[2]/name. */
    static String display(TreeReference ref, Set<String> repeats) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ref.size(); i++) {
            sb.append('/').append(ref.getName(i));
            int mult = ref.getMultiplicity(i);
            if (repeats.contains(generic(ref, i + 1)) || mult > 0) {
                sb.append('[').append(mult < 0 ? 1 : mult + 1).append(']');
            }
        }
        return sb.toString();
    }

    /** Parses a user path like /data/beneficiary[2]/name into its canonical form. */
    static String canonical(String path, int line) throws Failure {
        if (!path.startsWith("/") || path.length() < 2) {
            throw usage("line " + line + ": path must be absolute, like /data/facts: '" + path + "'");
        }
        StringBuilder sb = new StringBuilder();
        for (String seg : path.substring(1).split("/", -1)) {
            String name = seg;
            int index = 1;
            int open = seg.indexOf('[');
            if (open >= 0) {
                if (!seg.endsWith("]")) {
                    throw usage("line " + line + ": bad path segment '" + seg + "'");
                }
                name = seg.substring(0, open);
                try {
                    index = Integer.parseInt(seg.substring(open + 1, seg.length() - 1));
                } catch (NumberFormatException e) {
                    throw usage("line " + line + ": bad index in '" + seg + "'");
                }
                if (index < 1) {
                    throw usage("line " + line + ": indices are 1-based: '" + seg + "'");
                }
            }
            if (name.isEmpty()) {
                throw usage("line " + line + ": empty path segment in '" + path + "'");
            }
            sb.append('/').append(name).append('[').append(index).append(']');
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ answers file

    static final class Answer {
        final String path; // as written
        final String canonical;
        final String value;
        final int line;
        boolean used;

        Answer(String path, String canonical, String value, int line) {
            this.path = path;
            this.canonical = canonical;
            this.value = value;
            this.line = line;
        }
    }

    static final class Answers {
        final Map<String, Answer> byPath = new LinkedHashMap<>();
        final List<Answer> overrides = new ArrayList<>();
        /** Canonical repeat-instance prefixes that must exist, e.g. /data[1]/beneficiary[2]. */
        final Set<String> wantedInstances = new HashSet<>();
    }

    static Answers readAnswers(String source) throws Failure {
        String text;
        try {
            byte[] bytes = source.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(source));
            text = new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw usage("cannot read answers " + source + ": " + e.getMessage());
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        Answers answers = new Answers();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            int lineNo = i + 1;
            String line = lines[i];
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            boolean override = false;
            String body = line.stripLeading();
            if (body.startsWith("!")) {
                override = true;
                body = body.substring(1);
            }
            int eq = body.indexOf('=');
            if (eq < 0) {
                throw usage("line " + lineNo + ": expected PATH=VALUE");
            }
            String path = body.substring(0, eq).strip();
            String value = unescape(body.substring(eq + 1), lineNo);
            Answer a = new Answer(path, canonical(path, lineNo), value, lineNo);
            if (override) {
                answers.overrides.add(a);
                continue;
            }
            if (answers.byPath.containsKey(a.canonical)) {
                throw usage("line " + lineNo + ": " + path + " answered twice (first on line "
                        + answers.byPath.get(a.canonical).line + ")");
            }
            answers.byPath.put(a.canonical, a);
            // Every level /x[n] of the path implies instances /x[1] .. /x[n] of that level.
            String[] segs = a.canonical.substring(1).split("/");
            StringBuilder prefix = new StringBuilder();
            for (String seg : segs) {
                int open = seg.indexOf('[');
                String name = seg.substring(0, open);
                int n = Integer.parseInt(seg.substring(open + 1, seg.length() - 1));
                for (int k = 1; k <= n; k++) {
                    answers.wantedInstances.add(prefix + "/" + name + "[" + k + "]");
                }
                prefix.append('/').append(seg);
            }
        }
        return answers;
    }

    static String unescape(String s, int line) throws Failure {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (i + 1 >= s.length()) {
                throw usage("line " + line + ": value ends with a lone backslash");
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'n': sb.append('\n'); break;
                case 't': sb.append('\t'); break;
                case 'r': sb.append('\r'); break;
                case '\\': sb.append('\\'); break;
                default:
                    throw usage("line " + line + ": unknown escape \\" + n + " (use \\\\ for a backslash)");
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ answer conversion

    static String typeName(int dataType) {
        switch (dataType) {
            case Constants.DATATYPE_NULL: return "null";
            case Constants.DATATYPE_TEXT: return "string";
            case Constants.DATATYPE_INTEGER: return "int";
            case Constants.DATATYPE_DECIMAL: return "decimal";
            case Constants.DATATYPE_DATE: return "date";
            case Constants.DATATYPE_TIME: return "time";
            case Constants.DATATYPE_DATE_TIME: return "dateTime";
            case Constants.DATATYPE_CHOICE: return "select1";
            case Constants.DATATYPE_MULTIPLE_ITEMS: return "select";
            case Constants.DATATYPE_BOOLEAN: return "boolean";
            case Constants.DATATYPE_GEOPOINT: return "geopoint";
            case Constants.DATATYPE_BARCODE: return "barcode";
            case Constants.DATATYPE_BINARY: return "binary";
            case Constants.DATATYPE_LONG: return "long";
            case Constants.DATATYPE_GEOSHAPE: return "geoshape";
            case Constants.DATATYPE_GEOTRACE: return "geotrace";
            default: return "type" + dataType;
        }
    }

    static List<SelectChoice> choices(FormEntryPrompt prompt) {
        List<SelectChoice> choices = prompt.getSelectChoices(); // static items or evaluated itemset
        return choices == null ? List.of() : choices;
    }

    static String choiceValues(FormEntryPrompt prompt) {
        StringBuilder sb = new StringBuilder();
        for (SelectChoice c : choices(prompt)) {
            sb.append(sb.length() == 0 ? "" : " ").append(c.getValue());
        }
        return sb.toString();
    }

    static SelectChoice findChoice(FormEntryPrompt prompt, String value) {
        for (SelectChoice c : choices(prompt)) {
            if (c.getValue().equals(value)) {
                return c;
            }
        }
        return null;
    }

    /** Turns the text of an answer into the IAnswerData a Collect widget would produce. */
    static IAnswerData toAnswerData(FormEntryPrompt prompt, Answer a, String where) throws Failure {
        if (a.value.isEmpty()) {
            return null; // blank, as when the user clears a widget
        }
        int dataType = prompt.getDataType();
        int control = prompt.getControlType();
        if (control == Constants.CONTROL_SELECT_ONE) {
            SelectChoice c = findChoice(prompt, a.value);
            if (c == null) {
                throw rejected(where + ": '" + a.value + "' is not a choice (choices: " + choiceValues(prompt) + ")");
            }
            return new SelectOneData(c.selection());
        }
        if (control == Constants.CONTROL_SELECT_MULTI || control == Constants.CONTROL_RANK) {
            List<Selection> selections = new ArrayList<>();
            for (String v : a.value.strip().split("\\s+")) {
                SelectChoice c = findChoice(prompt, v);
                if (c == null) {
                    throw rejected(where + ": '" + v + "' is not a choice (choices: " + choiceValues(prompt) + ")");
                }
                selections.add(c.selection());
            }
            return new SelectMultiData(selections);
        }
        if (dataType == Constants.DATATYPE_TEXT || dataType == Constants.DATATYPE_BINARY
                || dataType == Constants.DATATYPE_BARCODE || dataType == Constants.DATATYPE_NULL) {
            // Binary (image/audio/file) answers are the attachment's file name, as in Collect.
            return new StringData(a.value);
        }
        IAnswerData data;
        try {
            data = XFormAnswerDataParser.getAnswerData(a.value, dataType, prompt.getQuestion());
        } catch (RuntimeException e) {
            data = null;
        }
        if (data == null) {
            throw rejected(where + ": '" + a.value + "' is not a valid " + typeName(dataType));
        }
        return data;
    }

    static String constraintMessage(FormEntryPrompt prompt, IAnswerData data) {
        String msg = null;
        try {
            msg = prompt.getConstraintText(data);
        } catch (RuntimeException ignored) {
            // constraint messages with outputs may fail to evaluate; fall back below
        }
        return msg == null || msg.isEmpty() ? "constraint violated" : "constraint violated: " + msg;
    }

    // ------------------------------------------------------------------ commands

    /**
     * Form facts a test client needs, one KEY=VALUE a line: formID and version
     * (the instance root's id/version attributes, as Collect reads them), title,
     * languages (default first), and the submission element's key and action.
     */
    static void info(Path form) throws Failure {
        FormDef fd = loadForm(form);
        TreeElement root = fd.getMainInstance().getRoot();
        System.out.println("formID=" + nonNull(root.getAttributeValue(null, "id")));
        System.out.println("version=" + nonNull(root.getAttributeValue(null, "version")));
        System.out.println("title=" + nonNull(fd.getTitle()));
        System.out.println("root=" + root.getName());
        List<String> langs = new ArrayList<>();
        if (fd.getLocalizer() != null) {
            String def = fd.getLocalizer().getDefaultLocale();
            if (def != null) {
                langs.add(def);
            }
            for (String l : fd.getLocalizer().getAvailableLocales()) {
                if (!l.equals(def)) {
                    langs.add(l);
                }
            }
        }
        System.out.println("languages=" + String.join("|", langs));
        SubmissionProfile profile = fd.getSubmissionProfile();
        System.out.println("base64RsaPublicKey=" + (profile == null ? "" : nonNull(profile.getAttribute("base64RsaPublicKey"))));
        System.out.println("submissionAction=" + (profile == null ? "" : nonNull(profile.getAction())));
    }

    static String nonNull(String s) {
        return s == null ? "" : s;
    }

    /**
     * Lists every question, relevant or not, walking the form definition with
     * FormEntryModel.incrementIndex (which, unlike the controller's stepping, does
     * not skip non-relevant questions). A repeat without any instance gets one.
     */
    static void paths(Path form) throws Failure {
        FormDef fd = loadForm(form);
        FormEntryModel model = new FormEntryModel(fd);
        Set<String> repeats = new HashSet<>();
        FormIndex idx = FormIndex.createBeginningOfFormIndex();
        while (true) {
            idx = model.incrementIndex(idx, true);
            if (idx.isEndOfFormIndex()) {
                break;
            }
            int event = model.getEvent(idx);
            TreeReference ref = idx.getReference();
            if (event == FormEntryController.EVENT_REPEAT || event == FormEntryController.EVENT_PROMPT_NEW_REPEAT) {
                repeats.add(generic(ref, ref.size()));
                if (event == FormEntryController.EVENT_PROMPT_NEW_REPEAT) {
                    if (ref.getMultLast() > 0) {
                        continue; // "add another?" prompt after existing instances
                    }
                    try {
                        fd.createNewRepeat(idx); // no instance yet: make one to list its questions
                    } catch (Exception e) {
                        throw usage(display(ref, repeats) + ": cannot create repeat instance: " + e);
                    }
                }
                System.out.println(display(ref, repeats) + "\trepeat");
                continue;
            }
            if (event != FormEntryController.EVENT_QUESTION) {
                continue;
            }
            FormEntryPrompt p = model.getQuestionPrompt(idx);
            StringBuilder sb = new StringBuilder(display(ref, repeats));
            sb.append('\t').append(typeName(p.getDataType()));
            if (p.isRequired()) {
                sb.append("\trequired");
            }
            if (p.isReadOnly()) {
                sb.append("\treadonly");
            }
            if (!model.isIndexRelevant(idx)) {
                sb.append("\tnot-relevant-yet");
            }
            if (p.getControlType() == Constants.CONTROL_SELECT_ONE
                    || p.getControlType() == Constants.CONTROL_SELECT_MULTI
                    || p.getControlType() == Constants.CONTROL_RANK) {
                sb.append("\tchoices: ").append(choiceValues(p));
            }
            System.out.println(sb);
        }
    }

    /** Every question of the current instance (relevant or not), by canonical path. */
    static Map<String, Boolean> questionRelevance(FormEntryModel model) {
        Map<String, Boolean> result = new HashMap<>();
        FormIndex idx = FormIndex.createBeginningOfFormIndex();
        while (true) {
            idx = model.incrementIndex(idx, true);
            if (idx.isEndOfFormIndex()) {
                return result;
            }
            if (model.getEvent(idx) == FormEntryController.EVENT_QUESTION) {
                result.put(canonical(idx.getReference()), model.isIndexRelevant(idx));
            }
        }
    }

    static void fill(Path form, String answersSource, Path out) throws Failure, IOException {
        Answers answers = readAnswers(answersSource);
        FormDef fd = loadForm(form);
        FormEntryModel model = new FormEntryModel(fd);
        FormEntryController fec = new FormEntryController(model);
        Set<String> repeats = new HashSet<>();

        // Walk the form like a person swiping through it in Collect: relevance is
        // re-evaluated after every answer, so later questions see earlier answers.
        fec.jumpToIndex(FormIndex.createBeginningOfFormIndex());
        for (int event = fec.stepToNextEvent(); event != FormEntryController.EVENT_END_OF_FORM;
                event = fec.stepToNextEvent()) {
            FormIndex idx = model.getFormIndex();
            switch (event) {
                case FormEntryController.EVENT_REPEAT: {
                    TreeReference ref = idx.getReference();
                    repeats.add(generic(ref, ref.size()));
                    markUsed(answers, canonical(ref));
                    break;
                }
                case FormEntryController.EVENT_PROMPT_NEW_REPEAT: {
                    TreeReference ref = idx.getReference();
                    repeats.add(generic(ref, ref.size()));
                    if (answers.wantedInstances.contains(canonical(ref))) {
                        try {
                            fec.newRepeat();
                        } catch (RuntimeException e) {
                            throw rejected(display(ref, repeats) + ": cannot add repeat instance: " + e.getMessage());
                        }
                        markUsed(answers, canonical(ref));
                    }
                    break;
                }
                case FormEntryController.EVENT_QUESTION: {
                    TreeReference ref = idx.getReference();
                    Answer a = answers.byPath.get(canonical(ref));
                    if (a == null) {
                        break;
                    }
                    String where = display(ref, repeats) + " (line " + a.line + ")";
                    FormEntryPrompt prompt = model.getQuestionPrompt();
                    if (prompt.isReadOnly()) {
                        throw rejected(where + ": question is read-only");
                    }
                    IAnswerData data = toAnswerData(prompt, a, where);
                    int status = fec.answerQuestion(idx, data, true);
                    if (status == FormEntryController.ANSWER_CONSTRAINT_VIOLATED) {
                        throw rejected(where + ": " + constraintMessage(prompt, data) + " (answer: '" + a.value + "')");
                    }
                    if (status == FormEntryController.ANSWER_REQUIRED_BUT_EMPTY) {
                        throw rejected(where + ": required question left blank");
                    }
                    a.used = true;
                    break;
                }
                default:
                    break; // groups, beginning of form
            }
        }

        Map<String, Boolean> questions = null;
        for (Answer a : answers.byPath.values()) {
            if (a.used) {
                continue;
            }
            if (questions == null) {
                questions = questionRelevance(model);
            }
            Boolean relevant = questions.get(a.canonical);
            String where = a.path + " (line " + a.line + ")";
            if (Boolean.FALSE.equals(relevant)) {
                throw rejected(where + ": question is not relevant given the other answers"
                        + " (Collect would not show it)");
            }
            throw rejected(where + ": no question at this path (unknown name, wrong repeat index,"
                    + " or a node without a body control such as a calculate or meta field);"
                    + " run 'paths' to list the questions");
        }

        // What Collect runs on "Finalize": every relevant question is checked again
        // (required and constraints), then end-of-form processing (timestamp 'end'
        // preloads, xforms-revalidate).
        ValidateOutcome outcome = fd.validate();
        if (outcome != null && outcome.outcome != FormEntryController.ANSWER_OK) {
            FormIndex failed = outcome.failedPrompt;
            String where = failed == null ? "?" : display(failed.getReference(), repeats);
            if (outcome.outcome == FormEntryController.ANSWER_REQUIRED_BUT_EMPTY) {
                throw rejected(where + ": required question has no answer");
            }
            String msg = "constraint violated";
            if (failed != null) {
                FormEntryPrompt p = model.getQuestionPrompt(failed);
                msg = constraintMessage(p, p.getAnswerValue());
            }
            throw rejected(where + ": " + msg);
        }
        fec.finalizeFormEntry();

        FormInstance instance = fd.getInstance();
        for (Answer o : answers.overrides) {
            TreeElement node = resolve(instance, o);
            node.setValue(o.value.isEmpty() ? null : new StringData(o.value));
        }

        // Collect's submission XML: the submission profile's ref (or the whole
        // instance), serialized by XFormSerializingVisitor; non-relevant nodes dropped.
        IDataReference submissionRef = new XPathReference("/");
        SubmissionProfile profile = fd.getSubmissionProfile();
        if (profile != null && profile.getRef() != null) {
            submissionRef = profile.getRef();
        }
        byte[] xml = new XFormSerializingVisitor().serializeInstance(instance, submissionRef);
        Files.write(out, xml);

        String instanceId = instanceId(instance);
        System.out.println(instanceId == null ? "" : instanceId);
    }

    static void markUsed(Answers answers, String canonicalRepeatInstance) {
        Answer a = answers.byPath.get(canonicalRepeatInstance);
        if (a != null) {
            a.used = true;
        }
    }

    /** Finds the instance node of an override, by walking the tree with 1-based indices. */
    static TreeElement resolve(FormInstance instance, Answer o) throws Failure {
        String[] segs = o.canonical.substring(1).split("/");
        TreeElement node = instance.getRoot();
        for (int i = 0; i < segs.length; i++) {
            int open = segs[i].indexOf('[');
            String name = segs[i].substring(0, open);
            int n = Integer.parseInt(segs[i].substring(open + 1, segs[i].length() - 1));
            if (i == 0) {
                if (!name.equals(node.getName()) || n != 1) {
                    throw usage("line " + o.line + ": override " + o.path + ": root element is '" + node.getName() + "'");
                }
                continue;
            }
            TreeElement child = node.getChild(name, n - 1);
            if (child == null) {
                throw usage("line " + o.line + ": override " + o.path + ": no such node in the instance");
            }
            node = child;
        }
        return node;
    }

    /** meta/instanceID (any namespace prefix), as Collect reads it for the submission. */
    static String instanceId(FormInstance instance) {
        TreeElement root = instance.getRoot();
        for (int i = 0; i < root.getNumChildren(); i++) {
            TreeElement meta = root.getChildAt(i);
            if (!"meta".equals(meta.getName()) && !meta.getName().endsWith(":meta")) {
                continue;
            }
            for (int j = 0; j < meta.getNumChildren(); j++) {
                TreeElement id = meta.getChildAt(j);
                if ("instanceID".equals(id.getName()) || id.getName().endsWith(":instanceID")) {
                    IAnswerData v = id.getValue();
                    return v == null ? null : v.uncast().getString();
                }
            }
        }
        return null;
    }
}

//! OAI-PMH 2.0 at `/oai`, for Europeana and national aggregators: the six verbs, Dublin Core
//! (`oai_dc`) and the Europeana Data Model (`edm`), sets by object type and by event, paging
//! that holds while the collection changes, and withdrawn objects as deleted records.
//!
//! Records come from the public snapshot only. They are listed in the order of their last
//! change (then accession number); a resumption token names the last record sent, so a record
//! that changes or arrives during a harvest moves behind the cursor and is sent once more,
//! never skipped.

use std::fmt::Write as _;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::collection::public::PublicObject;
use crate::i18n::Lang;

use super::discovery::xml_escape as esc;
use super::iiif::Publisher;

/// Records (or identifiers) in one answer; a resumption token asks for the next ones.
pub const PAGE: usize = 100;

const DC: &str = "oai_dc";
const EDM: &str = "edm";

/// One record of the repository: a published object, or one withdrawn since.
struct Record<'a> {
    /// Last change, RFC 3339: the order of lists.
    stamp: &'a str,
    accession: &'a str,
    object: Option<&'a PublicObject>,
    /// The set specs it belongs to.
    sets: Vec<String>,
}

impl Record<'_> {
    fn day(&self) -> &str {
        self.stamp.get(..10).unwrap_or(self.stamp)
    }
}

/// A protocol error, as OAI-PMH names it.
struct OaiError(&'static str, String);

fn error(code: &'static str, message: impl Into<String>) -> OaiError {
    OaiError(code, message.into())
}

/// The arguments of a request, each at most once.
struct Args(Vec<(String, String)>);

impl Args {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// Refuses arguments a verb does not know, and required ones that are missing.
    fn check(&self, required: &[&str], optional: &[&str]) -> Result<(), OaiError> {
        for (name, _) in &self.0 {
            if name != "verb" && !required.contains(&name.as_str()) && !optional.contains(&name.as_str()) {
                return Err(error("badArgument", format!("the argument {name} is not allowed here")));
            }
        }
        for name in required {
            if self.get(name).is_none() {
                return Err(error("badArgument", format!("the argument {name} is required")));
            }
        }
        Ok(())
    }
}

/// What a list request asks for, also what a resumption token carries.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ListQuery {
    prefix: String,
    set: Option<String>,
    from: Option<String>,
    until: Option<String>,
    /// The last record sent: its change stamp and accession number.
    after: Option<(String, String)>,
    /// Records sent before this page.
    cursor: usize,
}

const TOKEN_VERSION: &str = "1";

impl ListQuery {
    fn token(&self, last: &Record, cursor: usize) -> String {
        let fields = [
            TOKEN_VERSION,
            &self.prefix,
            self.set.as_deref().unwrap_or(""),
            self.from.as_deref().unwrap_or(""),
            self.until.as_deref().unwrap_or(""),
            last.stamp,
            last.accession,
            &cursor.to_string(),
        ];
        fields.iter().map(|f| crate::web::encode(f)).collect::<Vec<_>>().join("!")
    }

    fn from_token(token: &str) -> Result<Self, OaiError> {
        let bad = || error("badResumptionToken", "the resumption token is not one this repository gave");
        let fields: Vec<String> = token
            .split('!')
            .map(|f| percent_encoding::percent_decode_str(f).decode_utf8().map(|s| s.into_owned()))
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        let [version, prefix, set, from, until, stamp, accession, cursor] =
            <[String; 8]>::try_from(fields).map_err(|_| bad())?;
        if version != TOKEN_VERSION || (prefix != DC && prefix != EDM) || stamp.is_empty() || accession.is_empty() {
            return Err(bad());
        }
        let optional = |s: String| (!s.is_empty()).then_some(s);
        let (from, until) = (optional(from), optional(until));
        for day in from.iter().chain(until.iter()) {
            parse_day(day).map_err(|_| bad())?;
        }
        Ok(Self {
            prefix,
            set: optional(set),
            from,
            until,
            after: Some((stamp, accession)),
            cursor: cursor.parse().map_err(|_| bad())?,
        })
    }
}

/// A day as OAI-PMH's `from` and `until` take it at this repository's granularity.
fn parse_day(text: &str) -> Result<chrono::NaiveDate, OaiError> {
    if text.len() != 10 {
        return Err(error("badArgument", format!("{text} is not a day (YYYY-MM-DD): the granularity is a day")));
    }
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| error("badArgument", format!("{text} is not a day")))
}

/// The repository's answer to one request (its arguments, or `None` when they could not be
/// decoded), with the time it is made.
pub fn answer(publisher: &Publisher, args: Option<Vec<(String, String)>>, now: &str) -> String {
    let base = publisher.base;
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd\">\n\
         <responseDate>{now}</responseDate>\n"
    );
    let undecodable = args.is_none();
    let args = args.unwrap_or_default();
    let mut seen = std::collections::HashSet::new();
    let repeated = args.iter().find(|(k, _)| !seen.insert(k.as_str())).map(|(k, _)| k.clone());
    let args = Args(args);
    let verb = args.get("verb").unwrap_or_default().to_owned();
    let body = match (&repeated, verb.as_str()) {
        _ if undecodable => Err(error("badArgument", "the arguments could not be read")),
        (Some(name), _) => Err(error("badArgument", format!("the argument {name} is repeated"))),
        (None, "Identify" | "ListMetadataFormats" | "ListSets" | "ListIdentifiers" | "ListRecords" | "GetRecord") => {
            let records = records(publisher);
            respond(publisher, &args, &verb, &records)
        }
        (None, "") => Err(error("badVerb", "the verb argument is missing")),
        (None, other) => Err(error("badVerb", format!("{other} is not an OAI-PMH verb"))),
    };
    match body {
        Ok(body) => {
            let _ = write!(out, "<request verb=\"{}\"", esc(&verb));
            for (name, value) in &args.0 {
                if name != "verb" {
                    let _ = write!(out, " {}=\"{}\"", esc(name), esc(value));
                }
            }
            let _ = writeln!(out, ">{}/oai</request>", esc(base));
            out.push_str(&body);
        }
        Err(OaiError(code, message)) => {
            // After badVerb and badArgument the request is echoed without its arguments.
            if matches!(code, "badVerb" | "badArgument") {
                let _ = writeln!(out, "<request>{}/oai</request>", esc(base));
            } else {
                let _ = write!(out, "<request verb=\"{}\"", esc(&verb));
                for (name, value) in &args.0 {
                    if name != "verb" {
                        let _ = write!(out, " {}=\"{}\"", esc(name), esc(value));
                    }
                }
                let _ = writeln!(out, ">{}/oai</request>", esc(base));
            }
            let _ = writeln!(out, "<error code=\"{code}\">{}</error>", esc(&message));
        }
    }
    out.push_str("</OAI-PMH>\n");
    out
}

/// Every record, in list order.
fn records<'a>(publisher: &Publisher<'a>) -> Vec<Record<'a>> {
    let collection = &publisher.snapshot.collection;
    let mut records: Vec<Record<'a>> = collection
        .objects
        .iter()
        .map(|o| {
            let mut sets: Vec<String> =
                collection.types.get(&o.type_id).map(|t| format!("type:{}", t.code)).into_iter().collect();
            sets.extend(o.events.iter().map(|e| format!("event:{e}")));
            Record { stamp: o.updated_at.as_str(), accession: o.accession.as_str(), object: Some(o), sets }
        })
        .collect();
    records.extend(collection.withdrawn.iter().filter(|w| !collection.by_accession.contains_key(&w.accession)).map(
        |w| Record {
            stamp: w.updated_at.as_str(),
            accession: w.accession.as_str(),
            object: None,
            sets: vec![format!("type:{}", w.type_code)],
        },
    ));
    records.sort_by(|a, b| a.stamp.cmp(b.stamp).then(a.accession.cmp(b.accession)));
    records
}

fn host(base: &str) -> &str {
    let rest = base.split_once("://").map_or(base, |(_, rest)| rest);
    rest.split(['/', ':']).next().unwrap_or(rest)
}

fn identifier(base: &str, accession: &str) -> String {
    format!("oai:{}:{accession}", host(base))
}

fn respond(publisher: &Publisher, args: &Args, verb: &str, records: &[Record]) -> Result<String, OaiError> {
    let base = publisher.base;
    match verb {
        "Identify" => {
            args.check(&[], &[])?;
            let earliest = records.iter().map(Record::day).min().unwrap_or("2020-01-01");
            Ok(format!(
                "<Identify>\n\
                 <repositoryName>{name}</repositoryName>\n\
                 <baseURL>{base}/oai</baseURL>\n\
                 <protocolVersion>2.0</protocolVersion>\n\
                 <adminEmail>{email}</adminEmail>\n\
                 <earliestDatestamp>{earliest}</earliestDatestamp>\n\
                 <deletedRecord>persistent</deletedRecord>\n\
                 <granularity>YYYY-MM-DD</granularity>\n\
                 <compression>gzip</compression>\n\
                 <description><oai-identifier xmlns=\"http://www.openarchives.org/OAI/2.0/oai-identifier\" \
                 xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai-identifier \
                 http://www.openarchives.org/OAI/2.0/oai-identifier.xsd\"><scheme>oai</scheme><repositoryIdentifier>{host}</repositoryIdentifier>\
                 <delimiter>:</delimiter><sampleIdentifier>{sample}</sampleIdentifier></oai-identifier></description>\n\
                 </Identify>\n",
                name = esc(publisher.museum_name()),
                base = esc(base),
                email = esc(&format!("collection@{}", host(base))),
                host = esc(host(base)),
                sample = esc(&identifier(base, "MFB-2024-0001")),
            ))
        }
        "ListMetadataFormats" => {
            args.check(&[], &["identifier"])?;
            if let Some(id) = args.get("identifier") {
                find(base, records, id)?;
            }
            Ok(format!(
                "<ListMetadataFormats>\n\
                 <metadataFormat><metadataPrefix>{DC}</metadataPrefix><schema>http://www.openarchives.org/OAI/2.0/oai_dc.xsd</schema>\
                 <metadataNamespace>http://www.openarchives.org/OAI/2.0/oai_dc/</metadataNamespace></metadataFormat>\n\
                 <metadataFormat><metadataPrefix>{EDM}</metadataPrefix><schema>http://www.europeana.eu/schemas/edm/EDM.xsd</schema>\
                 <metadataNamespace>http://www.europeana.eu/schemas/edm/</metadataNamespace></metadataFormat>\n\
                 </ListMetadataFormats>\n"
            ))
        }
        "ListSets" => {
            args.check(&[], &["resumptionToken"])?;
            if args.get("resumptionToken").is_some() {
                return Err(error("badResumptionToken", "the list of sets comes whole"));
            }
            let mut out = String::from("<ListSets>\n");
            for (spec, name) in sets(publisher) {
                let _ = writeln!(out, "<set><setSpec>{}</setSpec><setName>{}</setName></set>", esc(&spec), esc(&name));
            }
            out.push_str("</ListSets>\n");
            Ok(out)
        }
        "GetRecord" => {
            args.check(&["identifier", "metadataPrefix"], &[])?;
            let prefix = args.get("metadataPrefix").unwrap_or_default();
            if prefix != DC && prefix != EDM {
                return Err(error("cannotDisseminateFormat", format!("{prefix} is not a format of this repository")));
            }
            let record = find(base, records, args.get("identifier").unwrap_or_default())?;
            Ok(format!("<GetRecord>\n{}</GetRecord>\n", record_xml(publisher, record, prefix)))
        }
        "ListIdentifiers" | "ListRecords" => {
            let query = if let Some(token) = args.get("resumptionToken") {
                args.check(&["resumptionToken"], &[])?;
                ListQuery::from_token(token)?
            } else {
                args.check(&["metadataPrefix"], &["from", "until", "set"])?;
                let prefix = args.get("metadataPrefix").unwrap_or_default().to_owned();
                let (from, until) = (args.get("from").map(str::to_owned), args.get("until").map(str::to_owned));
                let days = (from.as_deref().map(parse_day).transpose()?, until.as_deref().map(parse_day).transpose()?);
                if let (Some(from), Some(until)) = days
                    && from > until
                {
                    return Err(error("badArgument", "from is later than until"));
                }
                if prefix != DC && prefix != EDM {
                    return Err(error(
                        "cannotDisseminateFormat",
                        format!("{prefix} is not a format of this repository"),
                    ));
                }
                ListQuery { prefix, set: args.get("set").map(str::to_owned), from, until, after: None, cursor: 0 }
            };
            list(publisher, records, verb, &query)
        }
        _ => Err(error("badVerb", "unknown verb")),
    }
}

/// Whether a record of set `spec` is in set `set`: the set itself or, as OAI-PMH reads the
/// colon, one of its parents (`type:flag` is in `type`).
fn in_set(spec: &str, set: &str) -> bool {
    spec.strip_prefix(set).is_some_and(|rest| rest.is_empty() || rest.starts_with(':'))
}

/// The sets: `type` and `event`, then one per object type and per event with published
/// objects, with English names.
fn sets(publisher: &Publisher) -> Vec<(String, String)> {
    let snapshot = publisher.snapshot;
    let mut types: Vec<(String, String)> = snapshot
        .by_type
        .keys()
        .filter_map(|id| snapshot.collection.types.get(id))
        .map(|t| (format!("type:{}", t.code), t.name.get(Lang::En).to_owned()))
        .collect();
    types.sort();
    let mut events: Vec<(i64, String)> = snapshot
        .by_event
        .keys()
        .filter_map(|id| snapshot.collection.events.get(id))
        .map(|e| (e.id, e.name.get(Lang::En).to_owned()))
        .collect();
    events.sort();
    let mut sets = Vec::with_capacity(types.len() + events.len() + 2);
    if !types.is_empty() {
        sets.push(("type".to_owned(), "Objects by type".to_owned()));
    }
    sets.extend(types);
    if !events.is_empty() {
        sets.push(("event".to_owned(), "Objects by event".to_owned()));
    }
    sets.extend(events.into_iter().map(|(id, name)| (format!("event:{id}"), name)));
    sets
}

fn find<'r, 'a>(base: &str, records: &'r [Record<'a>], id: &str) -> Result<&'r Record<'a>, OaiError> {
    let prefix = format!("oai:{}:", host(base));
    id.strip_prefix(&prefix)
        .and_then(|accession| records.iter().find(|r| r.accession == accession))
        .ok_or_else(|| error("idDoesNotExist", format!("{id} is not an identifier of this repository")))
}

fn list(publisher: &Publisher, records: &[Record], verb: &str, query: &ListQuery) -> Result<String, OaiError> {
    let matching: Vec<&Record> = records
        .iter()
        .filter(|r| query.set.as_ref().is_none_or(|set| r.sets.iter().any(|s| in_set(s, set))))
        .filter(|r| query.from.as_deref().is_none_or(|from| r.day() >= from))
        .filter(|r| query.until.as_deref().is_none_or(|until| r.day() <= until))
        .collect();
    let remaining: Vec<&Record> = match &query.after {
        None => matching.clone(),
        Some((stamp, accession)) => {
            matching.iter().filter(|r| (r.stamp, r.accession) > (stamp.as_str(), accession.as_str())).copied().collect()
        }
    };
    if remaining.is_empty() {
        return Err(error("noRecordsMatch", "no records match"));
    }
    let page = &remaining[..remaining.len().min(PAGE)];
    let mut out = format!("<{verb}>\n");
    for record in page {
        if verb == "ListIdentifiers" {
            out.push_str(&header_xml(publisher.base, record));
        } else {
            out.push_str(&record_xml(publisher, record, &query.prefix));
        }
    }
    let sent = query.cursor.saturating_add(page.len());
    let complete = query.cursor.saturating_add(remaining.len());
    if remaining.len() > page.len() {
        let last = page[page.len() - 1];
        let _ = writeln!(
            out,
            "<resumptionToken completeListSize=\"{complete}\" cursor=\"{}\">{}</resumptionToken>",
            query.cursor,
            esc(&query.token(last, sent))
        );
    } else if query.after.is_some() {
        let _ = writeln!(out, "<resumptionToken completeListSize=\"{complete}\" cursor=\"{}\"/>", query.cursor);
    }
    let _ = writeln!(out, "</{verb}>");
    Ok(out)
}

fn header_xml(base: &str, record: &Record) -> String {
    let status = if record.object.is_none() { " status=\"deleted\"" } else { "" };
    let mut out = format!(
        "<header{status}><identifier>{}</identifier><datestamp>{}</datestamp>",
        esc(&identifier(base, record.accession)),
        record.day()
    );
    for set in &record.sets {
        let _ = write!(out, "<setSpec>{}</setSpec>", esc(set));
    }
    out.push_str("</header>\n");
    out
}

fn record_xml(publisher: &Publisher, record: &Record, prefix: &str) -> String {
    let mut out = format!("<record>\n{}", header_xml(publisher.base, record));
    if let Some(object) = record.object {
        out.push_str("<metadata>\n");
        out.push_str(&if prefix == EDM { edm(publisher, object) } else { dublin_core(publisher, object) });
        out.push_str("</metadata>\n");
    }
    out.push_str("</record>\n");
    out
}

/// One element per language that has the text.
fn in_languages(out: &mut String, element: &str, text: &crate::collection::Text3) {
    for lang in Lang::ALL {
        let value = text.in_lang(lang).trim();
        if !value.is_empty() {
            let _ = writeln!(out, "<{element} xml:lang=\"{}\">{}</{element}>", lang.code(), esc(value));
        }
    }
}

/// The words `text` gives in each language, one element each.
fn in_each_view(publisher: &Publisher, out: &mut String, element: &str, text: impl Fn(&super::views::View) -> String) {
    for lang in Lang::ALL {
        let value = text(&publisher.view(lang));
        if !value.trim().is_empty() {
            let _ = writeln!(out, "<{element} xml:lang=\"{}\">{}</{element}>", lang.code(), esc(value.trim()));
        }
    }
}

fn page_url(base: &str, object: &PublicObject) -> String {
    format!("{base}/objects/{}", crate::web::encode(&object.accession))
}

fn dublin_core(publisher: &Publisher, object: &PublicObject) -> String {
    let base = publisher.base;
    let mut out = String::from(
        "<oai_dc:dc xmlns:oai_dc=\"http://www.openarchives.org/OAI/2.0/oai_dc/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://www.openarchives.org/OAI/2.0/oai_dc/ \
         http://www.openarchives.org/OAI/2.0/oai_dc.xsd\">\n",
    );
    in_languages(&mut out, "dc:title", &object.title);
    for maker in &object.makers {
        in_each_view(publisher, &mut out, "dc:creator", |v| v.maker_name(*maker));
    }
    in_languages(&mut out, "dc:description", &object.description);
    in_each_view(publisher, &mut out, "dc:date", |v| v.date(&object.date));
    in_each_view(publisher, &mut out, "dc:type", |v| v.type_label(object.type_id));
    out.push_str("<dc:type>PhysicalObject</dc:type>\n");
    in_languages(&mut out, "dc:format", &object.materials);
    if !object.dimensions.trim().is_empty() {
        let _ = writeln!(out, "<dc:format>{}</dc:format>", esc(object.dimensions.trim()));
    }
    for event in object.events.iter().filter_map(|e| publisher.snapshot.collection.events.get(e)) {
        in_languages(&mut out, "dc:subject", &event.name);
    }
    let _ = writeln!(out, "<dc:identifier>{}</dc:identifier>", esc(&object.accession));
    let _ = writeln!(out, "<dc:identifier>{}</dc:identifier>", esc(&page_url(base, object)));
    let _ = writeln!(out, "<dc:publisher>{}</dc:publisher>", esc(publisher.museum_name()));
    let _ = writeln!(out, "<dc:rights>{}</dc:rights>", esc(publisher.rights_of(object).uri));
    if !object.media.is_empty() {
        let manifest = format!("{base}/iiif/{}/manifest.json", crate::web::encode(&object.accession));
        let _ = writeln!(out, "<dc:relation>{}</dc:relation>", esc(&manifest));
    }
    out.push_str("</oai_dc:dc>\n");
    out
}

/// The Europeana type of an object: text for letters and documents, else an image (the
/// object reaches Europeana through its photographs).
fn edm_type(publisher: &Publisher, object: &PublicObject) -> &'static str {
    match publisher.snapshot.collection.types.get(&object.type_id).map(|t| t.code.as_str()) {
        Some("letter" | "document" | "book" | "leaflet") => "TEXT",
        _ => "IMAGE",
    }
}

/// The language of a text object's words, which Europeana requires of TEXT records: the one
/// language its public inscription is written in, when it is written in exactly one; else
/// `und` (ISO 639-2 "undetermined"): zbor records no language for an object's own text.
fn text_language(object: &PublicObject) -> &'static str {
    let written: Vec<Lang> = object
        .inscription
        .iter()
        .flat_map(|text| Lang::ALL.iter().copied().filter(|lang| !text.in_lang(*lang).trim().is_empty()))
        .collect();
    match written.as_slice() {
        [one] => one.code(),
        _ => "und",
    }
}

fn edm(publisher: &Publisher, object: &PublicObject) -> String {
    let base = publisher.base;
    let page = page_url(base, object);
    let cho = format!("{page}#object");
    let mut out = String::from(
        "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns:edm=\"http://www.europeana.eu/schemas/edm/\" \
         xmlns:ore=\"http://www.openarchives.org/ore/terms/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\" \
         xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:svcs=\"http://rdfs.org/sioc/services#\" \
         xmlns:doap=\"http://usefulinc.com/ns/doap#\">\n",
    );
    let _ = writeln!(out, "<edm:ProvidedCHO rdf:about=\"{}\">", esc(&cho));
    in_languages(&mut out, "dc:title", &object.title);
    in_languages(&mut out, "dc:description", &object.description);
    for maker in &object.makers {
        in_each_view(publisher, &mut out, "dc:creator", |v| v.maker_name(*maker));
    }
    in_each_view(publisher, &mut out, "dc:type", |v| v.type_label(object.type_id));
    in_each_view(publisher, &mut out, "dcterms:created", |v| v.date(&object.date));
    in_languages(&mut out, "dcterms:medium", &object.materials);
    if !object.dimensions.trim().is_empty() {
        let _ = writeln!(out, "<dcterms:extent>{}</dcterms:extent>", esc(object.dimensions.trim()));
    }
    for event in object.events.iter().filter_map(|e| publisher.snapshot.collection.events.get(e)) {
        in_languages(&mut out, "dc:subject", &event.name);
    }
    let _ = writeln!(out, "<dc:identifier>{}</dc:identifier>", esc(&object.accession));
    let edm_type = edm_type(publisher, object);
    if edm_type == "TEXT" {
        let _ = writeln!(out, "<dc:language>{}</dc:language>", text_language(object));
    }
    let _ = writeln!(out, "<edm:type>{edm_type}</edm:type>");
    out.push_str("</edm:ProvidedCHO>\n");

    let images: Vec<String> = object.media.iter().map(|m| format!("{base}/media/{}/2400.jpg", m.hash)).collect();
    let _ = writeln!(out, "<ore:Aggregation rdf:about=\"{}\">", esc(&format!("{page}#aggregation")));
    let _ = writeln!(out, "<edm:aggregatedCHO rdf:resource=\"{}\"/>", esc(&cho));
    let _ = writeln!(out, "<edm:dataProvider>{}</edm:dataProvider>", esc(publisher.museum_name()));
    let _ = writeln!(out, "<edm:provider>{}</edm:provider>", esc(publisher.museum_name()));
    let _ = writeln!(out, "<edm:isShownAt rdf:resource=\"{}\"/>", esc(&page));
    if let Some(first) = images.first() {
        let _ = writeln!(out, "<edm:isShownBy rdf:resource=\"{}\"/>", esc(first));
        let thumbnail = format!("{base}/media/{}/400.jpg", object.media[0].hash);
        let _ = writeln!(out, "<edm:object rdf:resource=\"{}\"/>", esc(&thumbnail));
    }
    for more in images.iter().skip(1) {
        let _ = writeln!(out, "<edm:hasView rdf:resource=\"{}\"/>", esc(more));
    }
    // The aggregation's statement is the object's first image's (Europeana reads it as the
    // rights of the preview it shows); every web resource carries its own.
    let shown = object.media.first().map_or(publisher.rights_of(object), |m| publisher.image_rights(m));
    let _ = writeln!(out, "<edm:rights rdf:resource=\"{}\"/>", esc(shown.uri));
    out.push_str("</ore:Aggregation>\n");
    let manifest = format!("{base}/iiif/{}/manifest.json", crate::web::encode(&object.accession));
    for (image, media) in images.iter().zip(&object.media) {
        let service = format!("{base}/iiif/image/{}", media.hash);
        let _ = writeln!(out, "<edm:WebResource rdf:about=\"{}\">", esc(image));
        let _ = writeln!(out, "<dcterms:isReferencedBy rdf:resource=\"{}\"/>", esc(&manifest));
        let _ = writeln!(out, "<svcs:has_service rdf:resource=\"{}\"/>", esc(&service));
        let _ = writeln!(out, "<edm:rights rdf:resource=\"{}\"/>", esc(publisher.image_rights(media).uri));
        out.push_str("</edm:WebResource>\n");
        let _ = writeln!(out, "<svcs:Service rdf:about=\"{}\">", esc(&service));
        out.push_str("<dcterms:conformsTo rdf:resource=\"http://iiif.io/api/image\"/>\n");
        out.push_str("<doap:implements rdf:resource=\"http://iiif.io/api/image/3/level0.json\"/>\n");
        out.push_str("</svcs:Service>\n");
    }
    out.push_str("</rdf:RDF>\n");
    out
}

fn xml_response(body: String) -> Response {
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8"));
    // Answers change with the collection and name the time they were made: not kept.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=0, must-revalidate"));
    response
}

fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn serve(state: &AppState, pairs: Option<Vec<(String, String)>>) -> Response {
    let snapshot = state.public.current();
    let publisher = Publisher::of(state, &snapshot);
    xml_response(answer(&publisher, pairs, &now()))
}

/// `GET /oai?verb=…`
pub async fn oai_get(State(state): State<AppState>, uri: Uri) -> Response {
    serve(&state, serde_urlencoded::from_str(uri.query().unwrap_or_default()).ok())
}

/// `POST /oai` with the arguments form-encoded, as the protocol allows.
pub async fn oai_post(State(state): State<AppState>, body: Bytes) -> Response {
    serve(&state, serde_urlencoded::from_bytes(&body).ok())
}

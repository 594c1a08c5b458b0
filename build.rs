fn main() {
    // Templates are compiled into the binary so a release build is one file to deploy.
    minijinja_embed::embed_templates!("templates");
}

//! The command line: every flag and argument, with help and examples.
//! Parsed into these structs, then turned into one config per command
//! (`cmd/`) before any work.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "vellum",
    version,
    about = "Keep a text honest after it leaves its authors: seal it, verify its archive, check circulated copies, diff versions.",
    after_help = "Examples:\n  vellum keygen                      # ~/.config/vellum/signing.key and .pub\n  vellum seal declaration.txt --archive archive/paris-2014-02-08.zip \\\n      --key ~/.config/vellum/signing.key -m \"first publication\"\n  vellum verify archive/paris-2014-02-08.zip --trust keys/\n  vellum prove archive/paris-2014-02-08.zip point-7 -o point-7.proof\n  vellum verify point-7.proof --trust keys/\n  vellum check archive/paris-2014-02-08.zip copy.txt\n  vellum diff archive/paris-2014-02-08.zip copy.txt\n\nExit codes: 0 verified/authentic/same, 1 failed/altered/different, 2 trouble."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) cmd: Cmd,
}

#[derive(Subcommand)]
pub(crate) enum Cmd {
    /// Make a signing key pair: PATH.pub (minisign public key) and PATH.key (secret, encrypted).
    #[command(
        after_help = "Examples:\n  vellum keygen                         # ~/.config/vellum/signing.key and .pub\n  vellum keygen --out ~/.config/vellum/partner\n  VELLUM_PASSPHRASE=... vellum keygen --out ci-key  # passphrase from the env\n  vellum keygen --out /tmp/test --no-passphrase     # unencrypted, for tests"
    )]
    Keygen(KeygenArgs),
    /// Show how a text splits into canonical sections, with ids and hashes.
    #[command(
        after_help = "Examples:\n  vellum sections declaration.txt\n  vellum sections declaration.txt --json\n  vellum sections archive/paris-2014-02-08.zip@v1"
    )]
    Sections(SectionsArgs),
    /// Seal a text as the next version of an archive (created when missing).
    #[command(
        after_help = "Example:\n  vellum seal declaration.txt --archive archive/paris-2014-02-08.zip \\\n      --key ~/.config/vellum/signing.key -m \"first publication\""
    )]
    Seal(SealArgs),
    /// Co-sign a sealed version: add this key's signatures over its checkpoint and manifest, without changing it.
    #[command(
        after_help = "Examples:\n  vellum cosign archive/paris-2014-02-08.zip@v1 \\\n      --key ~/.config/vellum/association.key\n  vellum verify archive/paris-2014-02-08.zip --trust keys/ --threshold 2\n\nExit 0 co-signed, 1 refused (the archive does not verify, the key signs the version already), 2 trouble."
    )]
    Cosign(CosignArgs),
    /// Timestamp a sealed version: keep an RFC 3161 token over its checkpoint, from a time-stamping authority.
    #[command(
        after_help = "Examples:\n  vellum timestamp archive/paris-2014-02-08.zip@v1 --tsa http://tsa.example/\n      # ask the authority now (plain http)\n  vellum timestamp archive/paris-2014-02-08.zip@v1 --request v1.tsq\n      # offline: the query, for the authority\n  vellum timestamp archive/paris-2014-02-08.zip@v1 --tsa-reply v1.tsr\n      # then keep its reply\n  vellum verify archive/paris-2014-02-08.zip --tsa-cert tsa.crt\n\nExit 0 query written or token kept, 1 refused (the archive does not verify, the reply is over other data, answers another query or comes from an untrusted TSA), 2 trouble (unreadable or malformed reply, TSA unreachable)."
    )]
    Timestamp(TimestampArgs),
    /// Verify an archive (every byte, every signature, every version) or proofs of sections.
    #[command(
        after_help = "Examples:\n  vellum verify archive/paris-2014-02-08.zip --trust keys/\n  vellum verify archive/paris-2014-02-08.zip --tsa-cert tsa.crt  # and tokens\n  vellum verify point-7.proof --trust keys/     # a proof from vellum prove\n\nExit 0 valid, 1 invalid (every problem is listed; a proof's rejection in one line), 2 trouble."
    )]
    Verify(VerifyArgs),
    /// Prove sections of a sealed version: their text, and proofs anyone can check without the archive.
    #[command(
        after_help = "Examples:\n  vellum prove archive/paris-2014-02-08.zip point-7 -o point-7.proof\n  vellum prove archive/paris-2014-02-08.zip@v1 paragraph-1 point-7 > proofs.txt\n\nExit 0 proven, 1 the archive does not lead to its signed tree, 2 trouble (no such version or section)."
    )]
    Prove(ProveArgs),
    /// Check circulated copies against the sealed text: authentic, excerpt, altered or unrelated.
    #[command(
        after_help = "Examples:\n  vellum check archive/paris-2014-02-08.zip copy.txt\n  vellum check archive/paris-2014-02-08.zip copies/ page.html - --json\n      # a folder, a page and standard input: one JSON line each\n\nExit 0 authentic or excerpt, 1 altered or unrelated (or the archive does not verify), 2 trouble."
    )]
    Check(CheckArgs),
    /// Compare two versions or two texts, section by section and word by word.
    #[command(
        after_help = "Examples:\n  vellum diff archive/paris-2014-02-08.zip        # its last two versions\n  vellum diff archive/paris-2014-02-08.zip@v1 archive/paris-2014-02-08.zip@v2 \\\n      --html diff.html\n  vellum diff old.txt new.txt --json\n\nExit 0 same canonical text, 1 different, 2 trouble."
    )]
    Diff(DiffArgs),
    /// List an archive's versions.
    #[command(after_help = "Example:\n  vellum log archive/paris-2014-02-08.zip --json")]
    Log(LogArgs),
    /// Print a sealed version's text as published, or some of its sections.
    #[command(
        after_help = "Examples:\n  vellum show archive/paris-2014-02-08.zip\n  vellum show archive/paris-2014-02-08.zip@v1 point-7 bullet-8\n  vellum show archive/paris-2014-02-08.zip --canonical"
    )]
    Show(ShowArgs),
    /// Print shell completions: bash, zsh, fish, powershell or elvish.
    #[command(
        after_help = "Examples:\n  vellum completions bash > ~/.local/share/bash-completion/completions/vellum\n  vellum completions zsh > ~/.zfunc/_vellum"
    )]
    Completions(CompletionsArgs),
    /// Print the manual page (roff), made from the same definitions as --help.
    #[command(after_help = "Example:\n  vellum manpage > ~/.local/share/man/man1/vellum.1")]
    Manpage,
}

#[derive(Args)]
pub(crate) struct ShowArgs {
    /// The archive, or ARCHIVE@vN for version N (default: the newest).
    pub(crate) archive: String,
    /// Sections to print (vellum sections lists their ids); all by default.
    pub(crate) ids: Vec<String>,
    /// Print the canonical text (what is hashed) instead of the text as published.
    #[arg(long)]
    pub(crate) canonical: bool,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
}

#[derive(Args)]
pub(crate) struct CompletionsArgs {
    /// The shell.
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Args)]
pub(crate) struct KeygenArgs {
    /// Base path: writes PATH.pub and PATH.key. Default: vellum/signing in
    /// your config folder ($XDG_CONFIG_HOME, or ~/.config).
    #[arg(long, short)]
    pub(crate) out: Option<PathBuf>,
    /// Store the secret key unencrypted.
    #[arg(long)]
    pub(crate) no_passphrase: bool,
    /// Read the passphrase from this file (first line).
    #[arg(long, value_name = "FILE")]
    pub(crate) passphrase_file: Option<PathBuf>,
}

#[derive(Args)]
pub(crate) struct SectionsArgs {
    /// A text file, or an archive (ARCHIVE or ARCHIVE@vN) to list a sealed version's sections.
    pub(crate) file: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
}

#[derive(Args)]
pub(crate) struct TrustArgs {
    /// Trusted public key (.pub), folder of them (with its trust.toml, if any) or trust policy (.toml); repeatable. Default: ./keys.
    #[arg(long, value_name = "PATH")]
    pub(crate) trust: Vec<PathBuf>,
    /// Require at least K distinct trusted keys on every version (default: the trust policy's, else 1).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) threshold: Option<u32>,
}

#[derive(Args)]
pub(crate) struct StateArgs {
    /// Remember the newest version verified here in this file (default: vellum/seen.json in your state folder, $XDG_STATE_HOME or ~/.local/state).
    #[arg(long, value_name = "FILE")]
    pub(crate) state: Option<PathBuf>,
    /// Neither read nor write the record of versions verified here (no rollback warning).
    #[arg(long, conflicts_with = "state")]
    pub(crate) no_state: bool,
}

#[derive(Args)]
pub(crate) struct CosignArgs {
    /// The archive, or ARCHIVE@vN for version N (default: the newest).
    pub(crate) archive: String,
    /// The co-signer's secret key file.
    #[arg(long, short)]
    pub(crate) key: PathBuf,
    /// Read the passphrase from this file (first line).
    #[arg(long, value_name = "FILE")]
    pub(crate) passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
}

#[derive(Args)]
pub(crate) struct TsaArgs {
    /// Trust this TSA certificate (PEM or DER), or a CA certificate that issues TSA certificates; repeatable. Timestamps are checked against these.
    #[arg(long, value_name = "FILE")]
    pub(crate) tsa_cert: Vec<PathBuf>,
}

#[derive(Args)]
#[command(group(clap::ArgGroup::new("how").required(true).args(["tsa", "request", "tsa_reply"])))]
pub(crate) struct TimestampArgs {
    /// The archive, or ARCHIVE@vN for version N (default: the newest).
    pub(crate) archive: String,
    /// Ask this time-stamping authority (http:// URL) now, and keep its token.
    #[arg(long, value_name = "URL")]
    pub(crate) tsa: Option<String>,
    /// Write the RFC 3161 query over the version's checkpoint to FILE (.tsq), to send the authority.
    #[arg(long, value_name = "FILE")]
    pub(crate) request: Option<PathBuf>,
    /// Keep the authority's reply (.tsr, or a bare token) to a query over the version's checkpoint.
    #[arg(long, value_name = "FILE")]
    pub(crate) tsa_reply: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) tsa_certs: TsaArgs,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
}

#[derive(Args)]
pub(crate) struct SealArgs {
    /// The text to seal.
    pub(crate) text: PathBuf,
    /// Secret key file.
    #[arg(long, short)]
    pub(crate) key: PathBuf,
    /// The archive (a .zip; created when missing).
    #[arg(long, short)]
    pub(crate) archive: PathBuf,
    /// The version's message.
    #[arg(long, short, default_value = "")]
    pub(crate) message: String,
    /// Created time (RFC 3339); default now, or SOURCE_DATE_EPOCH when set.
    #[arg(long, value_name = "RFC3339")]
    pub(crate) time: Option<String>,
    /// The previous version's sealer's secret key, handing the archive over to --key: it signs the new version too.
    #[arg(long, value_name = "OLD.key")]
    pub(crate) handover_key: Option<PathBuf>,
    /// Read the hand-over key's passphrase from this file (first line).
    #[arg(long, value_name = "FILE")]
    pub(crate) handover_passphrase_file: Option<PathBuf>,
    /// Seal a text holding bidi controls or tag characters (recorded).
    #[arg(long)]
    pub(crate) allow_bidi: bool,
    /// Read the passphrase from this file (first line).
    #[arg(long, value_name = "FILE")]
    pub(crate) passphrase_file: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
}

#[derive(Args)]
pub(crate) struct CheckArgs {
    /// The archive.
    pub(crate) archive: PathBuf,
    /// Copies: files, folders (every file inside), or - for standard input.
    #[arg(required = true)]
    pub(crate) copies: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
    #[command(flatten)]
    pub(crate) state: StateArgs,
    /// Check against this version (default: the newest).
    #[arg(long, value_name = "N")]
    pub(crate) version: Option<u32>,
    /// Print JSON (one object per line when several copies are checked).
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write a self-contained HTML report (one copy only).
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// Read copies in this encoding (windows-1252, windows-1256, iso-8859-1, utf-16le, ...) instead of detecting it.
    #[arg(long, value_name = "NAME")]
    pub(crate) encoding: Option<String>,
}

#[derive(Args)]
pub(crate) struct DiffArgs {
    /// Old side: a text, an archive (its newest version) or ARCHIVE@vN. Alone: an archive's last two versions.
    pub(crate) a: String,
    /// New side: a text, an archive or ARCHIVE@vN.
    pub(crate) b: Option<String>,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
    /// Also write a self-contained HTML report.
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// Read texts in this encoding (windows-1252, windows-1256, iso-8859-1, utf-16le, ...) instead of detecting it.
    #[arg(long, value_name = "NAME")]
    pub(crate) encoding: Option<String>,
}

#[derive(Args)]
pub(crate) struct VerifyArgs {
    /// An archive, or proof files (made by vellum prove).
    #[arg(required = true)]
    pub(crate) files: Vec<PathBuf>,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
    #[command(flatten)]
    pub(crate) state: StateArgs,
    #[command(flatten)]
    pub(crate) tsa_certs: TsaArgs,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args)]
pub(crate) struct LogArgs {
    /// The archive.
    pub(crate) archive: PathBuf,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
    #[command(flatten)]
    pub(crate) tsa_certs: TsaArgs,
    /// Print JSON.
    #[arg(long)]
    pub(crate) json: bool,
}

#[derive(Args)]
pub(crate) struct ProveArgs {
    /// The archive, or ARCHIVE@vN for version N (default: the newest).
    pub(crate) archive: String,
    /// Section ids (vellum sections lists them), e.g. point-7.
    #[arg(required = true)]
    pub(crate) ids: Vec<String>,
    /// Write the proofs to this file (default: standard output).
    #[arg(long, short, value_name = "FILE")]
    pub(crate) out: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) trust: TrustArgs,
}

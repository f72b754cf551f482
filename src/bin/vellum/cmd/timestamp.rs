//! `vellum timestamp`: an RFC 3161 token over a sealed version's
//! checkpoint, asked for now (`--tsa`) or in two steps (`--request`, then
//! `--tsa-reply`).

use crate::args::TimestampArgs;
use crate::output::{out, refused, trouble, with_spinner, Outcome};
use vellum::seal::timestamp::Reply;

pub fn run(a: TimestampArgs) -> Outcome {
    let (archive, version) = super::archive_spec(&a.archive)?;
    let mut trust = super::trusted_keys(&a.trust)?;
    super::tsa_certs(&mut trust, &a.tsa_certs)?;
    let fail = |e: vellum::seal::SealError| {
        if e.is_refusal() {
            refused(e.to_string())
        } else {
            trouble(e.to_string())
        }
    };
    if let Some(q) = &a.request {
        let o = with_spinner("verifying", || {
            vellum::seal::timestamp::request(&archive, version, &trust)
        })
        .map_err(fail)?;
        std::fs::write(q, &o.query.der).map_err(|e| trouble(format!("{}: {e}", q.display())))?;
        return out(&vellum::report::human::timestamp_query(&o, q));
    }
    let bytes;
    let reply = match (&a.tsa, &a.tsa_reply) {
        (Some(url), _) => Reply::Ask(url),
        (None, Some(f)) => {
            bytes = vellum::files::read_bounded(f, vellum::timestamp::MAX_REPLY)
                .map_err(|e| trouble(e.to_string()))?;
            Reply::File(f, &bytes)
        }
        (None, None) => unreachable!("clap requires --tsa, --request or --tsa-reply"),
    };
    let o = with_spinner("timestamping", || {
        vellum::seal::timestamp::timestamp(&archive, version, reply, &trust)
    })
    .map_err(fail)?;
    out(&vellum::report::human::timestamp(&o))
}

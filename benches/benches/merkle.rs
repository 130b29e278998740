//! Merkle trees over audit event hashes.
//!
//! ```sh
//! cargo bench -p trustcore-benches --bench merkle -- --warm-up-time 1 --measurement-time 4
//! ```
//!
//! Groups:
//! * `frontier`: pushing 1,000,000 leaf hashes into a [`Frontier`] and taking
//!   the root (what a streaming chain verifier does), and building the
//!   in-memory [`Tree`] of the same leaves for comparison.
//! * `inclusion`: generating an inclusion proof from a 1M-leaf [`Tree`] and
//!   verifying it; `consistency`: the same for a consistency proof.
//! * `checkpoint`: signing a checkpoint and opening it (parse + Ed25519
//!   verify + body parse).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;
use trustcore::keys::SecretKey;
use trustcore::merkle::{self, Checkpoint, Frontier, Hash, Tree, VerifierKey};

const N: u64 = 1_000_000;

fn leaves() -> Vec<Hash> {
    (0..N)
        .map(|i| merkle::leaf_hash(&merkle::leaf_hash(&i.to_le_bytes())))
        .collect()
}

fn bench(c: &mut Criterion) {
    let leaves = leaves();
    let mut tree = Tree::new();
    for l in &leaves {
        tree.push_leaf_hash(*l);
    }
    let root = tree.root();

    let mut g = c.benchmark_group("frontier");
    g.sample_size(10);
    g.throughput(Throughput::Elements(N));
    g.bench_function("push_1M_and_root", |b| {
        b.iter(|| {
            let mut f = Frontier::new();
            for l in &leaves {
                let _ = f.push(*l);
            }
            let r = f.root();
            assert_eq!(r, root);
            black_box(r)
        })
    });
    g.bench_function("push_data_1M_and_root", |b| {
        b.iter(|| {
            let mut f = Frontier::new();
            for i in 0..N {
                f.push_data(&i.to_le_bytes());
            }
            black_box(f.root())
        })
    });
    g.bench_function("tree_build_1M", |b| {
        b.iter(|| {
            let mut t = Tree::new();
            for l in &leaves {
                t.push_leaf_hash(*l);
            }
            black_box(t.size())
        })
    });
    g.finish();

    let mut g = c.benchmark_group("inclusion");
    let idx = 777_777u64;
    let proof = tree.inclusion_proof(idx, N).unwrap();
    let leaf = leaves[idx as usize];
    g.bench_function("prove_1M", |b| {
        b.iter(|| black_box(tree.inclusion_proof(black_box(idx), N).unwrap()))
    });
    g.bench_function("verify_1M", |b| {
        b.iter(|| merkle::verify_inclusion(&leaf, black_box(idx), N, &proof, &root).unwrap())
    });
    g.bench_function("prove_1M_from_leaf_hashes_only", |b| {
        // Without cached interior nodes: hashes about a million nodes.
        b.iter(|| black_box(merkle::prove_inclusion(&merkle::LeafHashes(&leaves), idx, N).unwrap()))
    });
    g.finish();

    let mut g = c.benchmark_group("consistency");
    let old = 654_321u64;
    let old_root = tree.root_at(old).unwrap();
    let cproof = tree.consistency_proof(old, N).unwrap();
    g.bench_function("prove_1M", |b| {
        b.iter(|| black_box(tree.consistency_proof(black_box(old), N).unwrap()))
    });
    g.bench_function("verify_1M", |b| {
        b.iter(|| merkle::verify_consistency(black_box(old), N, &old_root, &root, &cproof).unwrap())
    });
    g.finish();

    let mut g = c.benchmark_group("checkpoint");
    let key = SecretKey::from_seed(&[1; 32]);
    let name = "audit.example/chain/prod";
    let cp = Checkpoint::new(name, N, root).unwrap();
    let trusted = [VerifierKey::new(name, key.public_key()).unwrap()];
    let text = cp.sign(&[(name, &key)]).unwrap().to_text();
    g.bench_function("sign", |b| {
        b.iter(|| black_box(cp.sign(&[(name, &key)]).unwrap()))
    });
    g.bench_function("open", |b| {
        b.iter(|| black_box(merkle::open_checkpoint(text.as_bytes(), &trusted).unwrap()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);

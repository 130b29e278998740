module trustcore/test-vectors/ed25519/go

go 1.22

module trustcore/test-vectors/go

go 1.26.0

require (
	github.com/gowebpki/jcs v1.0.2
	golang.org/x/mod v0.42.0
	lukechampine.com/blake3 v1.4.1
)

require github.com/klauspost/cpuid/v2 v2.0.9 // indirect

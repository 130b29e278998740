module trustcore/test-vectors/go

go 1.22

require (
	github.com/gowebpki/jcs v1.0.2
	lukechampine.com/blake3 v1.4.1
)

require github.com/klauspost/cpuid/v2 v2.0.9 // indirect

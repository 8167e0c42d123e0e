module github.com/gosnn/gosnn

go 1.24

require github.com/peterh/liner v1.2.2

require (
	github.com/mattn/go-runewidth v0.0.3 // indirect
	golang.org/x/sys v0.0.0-20211117180635-dee7805ff2e1 // indirect
)

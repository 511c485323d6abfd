module github.com/seed1804ee03/enduser/tools/releasecheck

go 1.25.0

require golang.org/x/mod v0.29.0

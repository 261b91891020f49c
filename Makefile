# The two commands a newcomer needs (see README.md):
#   make labs   runs every lab book in labs/ and writes the handouts to output/ (Markdown, HTML, PDF)
#   make test   runs the test suite under AddressSanitizer (it also runs every lab book as a test),
#               fuzzes every reader briefly and runs the concurrency-heavy tests under ThreadSanitizer
SWIFT ?= swift

.PHONY: labs test deps build fuzz sanitize

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build -c release --product labbook

labs: build
	.build/release/labbook run labs/ --out output --junit output/junit.xml --format md,html,pdf

# The whole suite runs on an AddressSanitizer build (in .build-asan, so a plain `swift build`
# stays incremental): every reader of untrusted bytes (books, JSON, checkpoints, darknet files,
# images, video, archives, HTTP requests) is checked for out-of-bounds reads and use after free as
# its tests exercise it. Leak checks are off: lazily made statics read as leaks.
# The wire tests are boto3 and the AWS CLI themselves against `labbook serve`.
ASAN := --sanitize=address --build-path .build-asan
export ASAN_OPTIONS := detect_leaks=0

test: deps
	python3 -m pip install -q -r Tests/wire/requirements.txt
	$(SWIFT) test $(ASAN)
	$(SWIFT) build $(ASAN) --product labbook
	LABBOOK=.build-asan/debug/labbook python3 -m pytest -q Tests/wire
	scripts/fuzz.sh replay
	scripts/fuzz.sh all 5
	$(MAKE) sanitize

# The concurrency-heavy tests (compute pool, Winograd, concurrent forwards, the async queue,
# the dispatch and the server) under ThreadSanitizer, in their own build folder.
sanitize:
	$(SWIFT) build --build-tests --sanitize=thread --build-path .build-tsan
	TSAN_OPTIONS=halt_on_error=1 $(SWIFT) test --skip-build --build-path .build-tsan \
	  --filter "VisionOpsTests|YOLOLoadingTests|AttentionTests|FusedMatmulTests|CloudServerTests|ResultCacheTests|SageMakerAsyncTests.testQueue|CloudTests.CloudTests|ServiceDispatchTests"

# Longer fuzzing of one target: make fuzz TARGET=book SECONDS=600
fuzz:
	scripts/fuzz.sh $(or $(TARGET),all) $(or $(SECONDS),60)

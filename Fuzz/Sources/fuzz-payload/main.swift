import FuzzDriver

runFuzzer(fuzzPayload)

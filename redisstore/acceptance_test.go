package redisstore_test

const childEnv = "REDISSTORE_TEST_CHILD"

func runChild() int { return 2 }

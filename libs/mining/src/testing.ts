// Test helpers of @negmine/mining.
export {};

// Test helpers of @negmine/metrics.
export {};

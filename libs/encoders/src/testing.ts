// Test helpers of @negmine/encoders.
export {};

// Jest globalSetup of apps/api: generates the Prisma client (gitignored) before any spec imports it.
const { generatePrismaClient } = require('../../scripts/generate-prisma');

module.exports = async () => {
  generatePrismaClient();
};

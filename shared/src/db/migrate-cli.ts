import { ConfigError, loadEnvFile, parseDatabaseConfig, secretsOf } from "../config/index.js";
import { createLogger } from "../logging/index.js";
import { migrateUp } from "./migrate.js";

try {
  const config = parseDatabaseConfig(loadEnvFile());
  const logger = createLogger({ level: config.logLevel, service: "migrate", secrets: secretsOf(config) });
  try {
    await migrateUp(config.databaseUrl, (message) => logger.info(message));
    logger.info("migrations are up to date");
  } catch (error) {
    logger.fatal({ err: error }, "migration failed");
    process.exitCode = 1;
  }
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
